import Foundation

/// The blocks of Q that the dwell at one level needs (A = that level, X = all other states,
/// ordered as given), the within-level part D and the between-level part O of Q_XX, and the
/// two ways `LevelSojourn` evaluates them: the delay system on a grid and H(s) for the roots.
struct LevelBlocks {
    let qAA: Matrix, qAX: Matrix, qXA: Matrix
    /// D: Q_XX with only the transitions inside one level; O: the rest of Q_XX.
    let within: Matrix
    let between: Matrix
    /// e^{Dτ}: what a sojourn of ≥ τ at the next level leaves.
    let survive: Matrix
    let tau: Double
    /// The spectral expansion of D (block by block: its eigenvalues are the blocks').
    let spectrum: SpectralDecomposition

    init(q: Matrix, levels: [Int], a: [Int], x: [Int], resolution tau: Double) throws {
        qAA = q.submatrix(rows: a, columns: a)
        qAX = q.submatrix(rows: a, columns: x)
        qXA = q.submatrix(rows: x, columns: a)
        let qXX = q.submatrix(rows: x, columns: x)
        var d = qXX, o = qXX
        for i in x.indices {
            for j in x.indices {
                if levels[x[i]] == levels[x[j]] { o[i, j] = 0 } else { d[i, j] = 0 }
            }
        }
        within = d
        between = o
        self.tau = tau
        spectrum = try d.spectralDecomposition()
        survive = spectrum.exponential(tau)
    }

    var kA: Int { qAA.rows }
    var kX: Int { qXA.rows }

    // MARK: - The delay system

    /// The delay system stepped at h = τ/k from P(0) = I (see `DelaySystem`).
    func delaySystem(stepsPerResolution k: Int) throws -> DelaySystem { try DelaySystem(self, stepsPerResolution: k) }

    // MARK: - Laplace transforms

    /// M(s) = ∫₀^τ e^{−su} e^{Du} du and dM/ds.
    func missed(_ s: Double) -> (value: Matrix, derivative: Matrix) {
        var m = Matrix(rows: kX, columns: kX), dm = Matrix(rows: kX, columns: kX)
        for (j, mu) in spectrum.eigenvalues.enumerated() {
            let g = truncatedExponentialIntegral(mu - s, tau)
            m.addScaled(spectrum.spectralMatrices[j], g.value)
            dm.addScaled(spectrum.spectralMatrices[j], -g.derivative)
        }
        return (m, dm)
    }

    /// Q_AX (I − M(s) O)⁻¹ e^{Dτ}: where the dwell's exit leads, over the chain of short
    /// sojourns before the next level's sojourn ≥ τ.
    func exitTransform(_ s: Double) throws -> Matrix {
        let chain = try (Matrix.identity(kX) - missed(s).value * between).inverse()
        return qAX * chain * survive
    }

    var wFunction: LevelWFunction { LevelWFunction(blocks: self) }
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
    private let step: Matrix, beyond: Matrix, eA: Matrix, solve: Matrix
    private var powers: [Matrix]
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
        step = blocks.spectrum.exponential(h)                 // e^{Dh}
        beyond = blocks.survive * step                         // e^{D(k+1)h}
        powers = [Matrix.identity(nX)]                         // e^{Djh}, j = 0 … k
        for _ in 0..<k { powers.append(powers[powers.count - 1] * step) }
        eA = try blocks.qAA.exponential(h)
        let half = 0.5 * h
        // β_m (I − (h/2) O − (h/2)² Q_XA Q_AX) = (C₀ + (h/2) R_s) Q_AX + R_b.
        solve = try (Matrix.identity(nX) - half * blocks.between - (half * half) * (blocks.qXA * blocks.qAX)).inverse()
        p = .identity(blocks.kA)
        source = Matrix(rows: blocks.kA, columns: blocks.kA)   // S_{m−1}: the memory term of P′
        history = [blocks.qAX]
        running = blocks.qAX * step                            // Y_1
    }

    /// Steps until β is known at node `last`.
    mutating func advance(to last: Int) throws {
        let b = blocks, half = 0.5 * h
        while history.count <= last {
            let m = history.count, top = min(m, k)
            // V = h (Y_m − ½ β_{m−top} e^{D·top·h}): the integrals without their α = 0 end.
            var v = running
            v.addScaled(history[m - top] * powers[top], -0.5)
            v = h * v
            let rb = v * b.between, rs = v * b.qXA
            let c0 = (p + half * source) * eA
            let beta = ((c0 + half * rs) * b.qAX + rb) * solve
            source = half * (beta * b.qXA) + rs
            p = c0 + half * source
            history.append(beta)
            // Y_{m+1} = (Y_m + β_m) e^{Dh} − [m + 1 > k] β_{m−k} e^{D(k+1)h}.
            running = (running + beta) * step
            if m + 1 > k { running = running - history[m - k] * beyond }
            guard beta.isFinite else { throw GatingModelsError.nonFiniteMatrix(context: "multi-level apparent dwell density") }
        }
    }
}

/// H(s) = Q_AA + Q_AX (I − M O)⁻¹ M Q_XA for a level's dwell. Left of where the chains of
/// short sojourns stop converging (det(I − M O) reaches 0 coming from s = 0) it returns a
/// non-finite matrix, which the root search reads as "all eigenvalues above s".
struct LevelWFunction: ApparentGenerator {
    let blocks: LevelBlocks

    var size: Int { blocks.kA }

    func h(_ s: Double) -> Matrix {
        let b = blocks
        let m = b.missed(s).value
        let resolvent = Matrix.identity(b.kX) - m * b.between
        guard resolvent.determinant() > 0, let chain = try? resolvent.inverse() else {
            return Matrix(rows: b.kA, columns: b.kA, repeating: .infinity)
        }
        return b.qAA + b.qAX * chain * m * b.qXA
    }

    /// W'(s) = I − dH/ds, dH/ds = Q_AX (I − M O)⁻¹ M′ (I + O (I − M O)⁻¹ M) Q_XA.
    func derivative(_ s: Double) -> Matrix {
        let b = blocks
        let (m, dm) = b.missed(s)
        guard let chain = try? (Matrix.identity(b.kX) - m * b.between).inverse() else {
            return Matrix(rows: b.kA, columns: b.kA, repeating: .nan)
        }
        let phi = chain * m
        let dh = b.qAX * chain * dm * (Matrix.identity(b.kX) + b.between * phi) * b.qXA
        return Matrix.identity(b.kA) - dh
    }
}
