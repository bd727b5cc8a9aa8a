import Foundation

/// The blocks of Q that the dwell at one level needs (A = that level, X = all other states,
/// grouped by level), the within-level part D (block diagonal) and the between-level part O of
/// Q_XX, and the two ways `LevelSojourn` evaluates them: the delay system on a grid and H(s)
/// for the roots.
struct LevelBlocks {
    let qAA: Matrix, qAX: Matrix, qXA: Matrix
    /// O: the transitions of Q_XX between different levels (D, the rest, is in `spectra`).
    let between: Matrix
    /// e^{Dτ}: what a sojourn of ≥ τ at the next level leaves.
    let survive: BlockDiagonal
    let tau: Double
    /// The spectral expansion of each level's block of D.
    let spectra: [SpectralDecomposition]

    /// - Parameter groups: X's states level by level.
    init(q: Matrix, a: [Int], groups: [[Int]], resolution tau: Double) throws {
        let x = groups.flatMap { $0 }
        qAA = q.submatrix(rows: a, columns: a)
        qAX = q.submatrix(rows: a, columns: x)
        qXA = q.submatrix(rows: x, columns: a)
        var o = q.submatrix(rows: x, columns: x)
        var offset = 0
        for g in groups {
            for i in offset..<(offset + g.count) { for j in offset..<(offset + g.count) { o[i, j] = 0 } }
            offset += g.count
        }
        between = o
        self.tau = tau
        spectra = try groups.map { try q.submatrix(rows: $0, columns: $0).spectralDecomposition() }
        survive = BlockDiagonal(spectra.map { $0.exponential(tau) })
    }

    /// e^{Dt}.
    func exponential(_ t: Double) -> BlockDiagonal { BlockDiagonal(spectra.map { $0.exponential(t) }) }

    var kA: Int { qAA.rows }
    var kX: Int { qXA.rows }

    // MARK: - The delay system

    /// The delay system stepped at h = τ/k from P(0) = I (see `DelaySystem`).
    func delaySystem(stepsPerResolution k: Int) throws -> DelaySystem { try DelaySystem(self, stepsPerResolution: k) }

    // MARK: - Laplace transforms

    /// M(s) = ∫₀^τ e^{−su} e^{Du} du and dM/ds (dense kX × kX).
    func missed(_ s: Double) -> (value: Matrix, derivative: Matrix) {
        var m: [Matrix] = [], dm: [Matrix] = []
        for spectrum in spectra {
            let n = spectrum.spectralMatrices.first?.rows ?? 0
            var value = Matrix(rows: n, columns: n), slope = Matrix(rows: n, columns: n)
            for (j, mu) in spectrum.eigenvalues.enumerated() {
                let g = truncatedExponentialIntegral(mu - s, tau)
                value.addScaled(spectrum.spectralMatrices[j], g.value)
                slope.addScaled(spectrum.spectralMatrices[j], -g.derivative)
            }
            m.append(value); dm.append(slope)
        }
        return (BlockDiagonal(m).dense, BlockDiagonal(dm).dense)
    }

    /// (I − M O)⁻¹ for M = M(s): chains of short sojourns through the other levels.
    func chainResolvent(_ m: Matrix) throws -> Matrix { try (Matrix.identity(kX) - m * between).inverse() }

    /// Q_AX (I − M(s) O)⁻¹ e^{Dτ}: where the dwell's exit leads, over the chain of short
    /// sojourns before the next level's sojourn ≥ τ.
    func exitTransform(_ s: Double) throws -> Matrix {
        survive.rightMultiplying(qAX * (try chainResolvent(missed(s).value)))
    }

    var wFunction: LevelWFunction { LevelWFunction(blocks: self) }

    // MARK: - The characteristic function

    /// K(s) = [[sI − Q_AA, −Q_AX], [−M Q_XA, I − M O]], with (P*, β*) K(s) = (I, 0): entire in s,
    /// det K = det(I − M O) det W, so its zeros are the poles of eG* on both sides of where
    /// det W stops converging.
    func characteristic(_ s: Double) -> (value: Matrix, derivative: Matrix) {
        let (m, dm) = missed(s)
        let n = kA + kX
        var k = Matrix(rows: n, columns: n), dk = Matrix(rows: n, columns: n)
        let mQ = m * qXA, mO = m * between, dmQ = dm * qXA, dmO = dm * between
        for i in 0..<kA {
            for j in 0..<kA { k[i, j] = (i == j ? s : 0) - qAA[i, j]; dk[i, j] = i == j ? 1 : 0 }
            for j in 0..<kX { k[i, kA + j] = -qAX[i, j] }
        }
        for i in 0..<kX {
            for j in 0..<kA { k[kA + i, j] = -mQ[i, j]; dk[kA + i, j] = -dmQ[i, j] }
            for j in 0..<kX { k[kA + i, kA + j] = (i == j ? 1 : 0) - mO[i, j]; dk[kA + i, kA + j] = -dmO[i, j] }
        }
        return (k, dk)
    }

    /// The real zeros of det K(s) in [lower, upper] (both < 0): sign changes on `points`
    /// log-spaced values, refined by Brent's method.
    func characteristicRoots(from upper: Double, to lower: Double, points: Int = 1200) -> [Double] {
        var roots: [Double] = []
        func det(_ s: Double) -> Double { characteristic(s).value.determinant() }
        var previousS = upper, previous = det(upper)
        for i in 1...points {
            let s = upper * pow(lower / upper, Double(i) / Double(points))
            let value = det(s)
            if previous.isFinite, value.isFinite, (previous < 0) != (value < 0), let root = brentRoot(det, s, previousS) {
                roots.append(root)
            }
            previousS = s; previous = value
        }
        return roots
    }

    /// The asymptotic term of eG at a simple zero s of det K: e^{su} [c r]_{A,X} e^{Dτ} / (r K′(s) c)
    /// with K c = 0, r K = 0.
    func characteristicTerm(_ s: Double) throws -> Matrix {
        let (k, dk) = characteristic(s)
        let pair = try k.eigenpair(closestTo: 0)
        let denom = dot(pair.left * dk, pair.right)
        guard denom != 0, denom.isFinite else {
            throw GatingModelsError.rootFindingFailed(context: "r K'(s) c = \(denom) at s = \(s)")
        }
        var term = Matrix(rows: kA, columns: kX)
        for x in 0..<kA { for y in 0..<kX { term[x, y] = pair.right[x] * pair.left[kA + y] / denom } }
        return survive.rightMultiplying(term)
    }
}

/// β(u) (kA × kX: the rate of entries into X's levels, per starting A state) on the grid
/// u = n·h, h = τ/k, advanced a step at a time. Trapezoidal memory integrals are kept as a
/// running sum Y_m = Σ_{j=1}^{min(m,k)} β_{m−j} e^{Djh} (one product ages it, one drops the term
/// that leaves the window), P is stepped by the exponential trapezoidal rule, and each step
/// solves for β_m and P_m together (both enter through the α = 0 end of the integrals).
struct DelaySystem {
    private let blocks: LevelBlocks
    let k: Int
    let h: Double
    private let step: BlockDiagonal, beyond: BlockDiagonal, eA: Matrix, solve: Matrix
    private let powers: [BlockDiagonal]
    /// β_0 … β_m so far.
    private(set) var history: [Matrix]
    private var p: Matrix
    private var source: Matrix
    private var running: Matrix

    init(_ blocks: LevelBlocks, stepsPerResolution k: Int) throws {
        self.blocks = blocks
        self.k = k
        h = blocks.tau / Double(k)
        let nX = blocks.kX
        let stepLength = h
        powers = (0...(k + 1)).map { blocks.exponential(Double($0) * stepLength) }   // e^{Djh}, j = 0 … k + 1
        step = powers[1]
        beyond = powers[k + 1]
        eA = try blocks.qAA.exponential(h)
        let half = 0.5 * h
        // β_m (I − (h/2) O − (h/2)² Q_XA Q_AX) = (C₀ + (h/2) R_s) Q_AX + R_b.
        solve = try (Matrix.identity(nX) - half * blocks.between - (half * half) * (blocks.qXA * blocks.qAX)).inverse()
        p = .identity(blocks.kA)
        source = Matrix(rows: blocks.kA, columns: blocks.kA)   // S_{m−1}: the memory term of P′
        history = [blocks.qAX]
        running = step.rightMultiplying(blocks.qAX)            // Y_1
    }

    /// Steps until β is known at node `last`.
    mutating func advance(to last: Int) throws {
        let b = blocks, half = 0.5 * h
        while history.count <= last {
            let m = history.count, top = min(m, k)
            // V = h (Y_m − ½ β_{m−top} e^{D·top·h}): the integrals without their α = 0 end.
            var v = running
            v.addScaled(powers[top].rightMultiplying(history[m - top]), -0.5)
            v = h * v
            let rb = v * b.between, rs = v * b.qXA
            let c0 = (p + half * source) * eA
            let beta = ((c0 + half * rs) * b.qAX + rb) * solve
            source = half * (beta * b.qXA) + rs
            p = c0 + half * source
            history.append(beta)
            // Y_{m+1} = (Y_m + β_m) e^{Dh} − [m + 1 > k] β_{m−k} e^{D(k+1)h}.
            running = step.rightMultiplying(running + beta)
            if m + 1 > k { running = running - beyond.rightMultiplying(history[m - k]) }
            guard beta.isFinite else { throw GatingModelsError.nonFiniteMatrix(context: "multi-level apparent dwell density") }
        }
    }
}

/// H(s) = Q_AA + Q_AX (I − M O)⁻¹ M Q_XA for a level's dwell. Left of where the chains of
/// short sojourns stop converging (`barrier`) it returns a non-finite matrix, which the root
/// search reads as "all eigenvalues above s".
struct LevelWFunction: ApparentGenerator {
    let blocks: LevelBlocks

    var size: Int { blocks.kA }

    func h(_ s: Double) -> Matrix {
        let b = blocks
        let m = b.missed(s).value
        guard let chain = chain(m) else { return Matrix(rows: b.kA, columns: b.kA, repeating: .infinity) }
        return b.qAA + b.qAX * chain * m * b.qXA
    }

    /// (I − M(s) O)⁻¹ = Σ_n (M O)ⁿ while that converges: M(s) O is non-negative and grows as s
    /// falls, so the series converges for s above the point where its Perron root reaches 1, and
    /// there (and only there) the inverse exists and is non-negative.
    func chain(_ m: Matrix) -> Matrix? {
        let b = blocks
        guard let inverse = try? b.chainResolvent(m) else { return nil }
        let scale = inverse.elements.map(abs).max() ?? 0
        return inverse.elements.allSatisfy({ $0 >= -1e-9 * scale }) ? inverse : nil
    }

    /// Where the chains of short sojourns stop converging (`chain` gives nil below), to 1e-12
    /// relative; nil if it is below −1e4 × the fastest rate of D (where e^{−sτ} has overflowed).
    func barrier() -> Double? {
        let b = blocks
        func converges(_ s: Double) -> Bool { chain(b.missed(s).value) != nil }
        let fastest = b.spectra.flatMap { $0.eigenvalues.map(abs) }.max() ?? 1
        var hi = 0.0, lo = -1.0
        while converges(lo) {
            hi = lo; lo *= 2
            if lo < -1e4 * max(fastest, 1) { return nil }
        }
        while hi - lo > 1e-12 * abs(lo) {
            let mid = 0.5 * (hi + lo)
            if converges(mid) { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// W'(s) = I − dH/ds, dH/ds = Q_AX (I − M O)⁻¹ M′ (I + O (I − M O)⁻¹ M) Q_XA.
    func derivative(_ s: Double) -> Matrix {
        let b = blocks
        let (m, dm) = b.missed(s)
        guard let chain = try? b.chainResolvent(m) else {
            return Matrix(rows: b.kA, columns: b.kA, repeating: .nan)
        }
        let phi = chain * m
        let dh = b.qAX * chain * dm * (Matrix.identity(b.kX) + b.between * phi) * b.qXA
        return Matrix.identity(b.kA) - dh
    }
}
