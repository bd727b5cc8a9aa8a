import Foundation

// The exact apparent dwell at one level of a record with several levels (a patch of N channels).
//
// The resolution rule ends an apparent dwell at level a when the process enters another level
// and stays there for at least τ; sojourns shorter than τ at other levels — one, or a chain of
// them through several levels — are part of the dwell. With A = level a's states, X = all
// others, Q_XX = D + O (D: the within-level blocks of X, O: transitions between X's levels) and
// M(s) = ∫₀^τ e^{−su} e^{D u} du, the Laplace transform of the dwell-and-exit density is
//   eG*(s) = W(s)⁻¹ Q_AX (I − M O)⁻¹ e^{Dτ} e^{−sτ},
//   W(s) = sI − H(s),  H(s) = Q_AA + Q_AX (I − M O)⁻¹ M Q_XA,
// which is HJC's when X is a single level (O = 0). In the time domain, with P(u) the A-state
// occupancy of a dwell still going at u and β(u) the rate of entries into X's levels,
//   β(u)  = P(u) Q_AX + ∫₀^{min(u,τ)} β(u − α) e^{Dα} O dα,
//   P′(u) = P(u) Q_AA + ∫₀^{min(u,τ)} β(u − α) e^{Dα} Q_XA dα,
// and a dwell of measured length t ≥ τ ends in level c with density eG(t) = β_c(t − τ) e^{D_cc τ}
// (the same convention as HJC: each dwell runs from τ into its first sojourn to τ into the next).
// Below U this delay system is integrated on a grid of τ/32 or finer for fast rates
// (trapezoidal memory integrals, an exponential trapezoidal step for P, Richardson
// extrapolation with half the step: ~1e-10; quintic interpolation between nodes). Beyond U the
// asymptotic form Σ_i e^{s_i u} R_i Q_AX (I − M(s_i) O)⁻¹ e^{Dτ} takes over, from the roots of
// det W(s) above where the chains of short sojourns stop converging (`LevelWFunction.barrier`;
// with many channels fewer than k_A roots lie above it), and U is the first multiple of τ from
// which the two agree to 1e-8. If they never do by `maxSegments`·τ, the real zeros of the entire
// det K(s) below that barrier (`LevelBlocks.characteristic`) join them, and agreement to 1e-7
// is asked.

/// The exact missed-event theory of dwells at one level of a multi-level record.
struct LevelSojourn: ApparentDwellDensity {
    let tRes: Double
    let kA: Int
    let kX: Int
    var exitCount: Int { kX }
    /// Grid step h = τ / `stepsPerResolution`.
    let step: Double
    let stepsPerResolution: Int
    static let stepsPerResolution = 32
    static let maxStepsPerResolution = 256
    /// The longest exact stretch, in multiples of τ.
    static let maxSegments = 48
    /// eG at u = n·h (n = 0 … `nodeCount` − 1), row-major kA × kX per node.
    let nodes: [Double]
    let nodeCount: Int
    /// U: the exact grid is used for u < U, the asymptotic form beyond.
    let exactLength: Double
    /// Roots s_i of det W(s) = 0 (negative) and their terms R_i Q_AX (I − M(s_i) O)⁻¹ e^{Dτ}.
    let roots: [Double]
    let asymptoticTerms: [Matrix]
    /// ∫₀^∞ eG = W(0)⁻¹ Q_AX (I − M(0) O)⁻¹ e^{Dτ}: where a dwell of any length hands over to.
    let totalHandover: Matrix

    /// - Parameters: `statesByLevel`: the states of `q` at each level; `level`: the level a of
    ///   the dwell. The other states (X) are taken level by level, in that order.
    /// - Throws: theory errors (complex eigenvalues, singular blocks, roots not found, or an
    ///   asymptotic form that does not meet the exact solution by `maxSegments`·τ).
    init(q: Matrix, statesByLevel: [[Int]], level a: Int, resolution tau: Double) throws {
        let groups = statesByLevel.indices.filter { $0 != a }.map { statesByLevel[$0] }
        let blocks = try LevelBlocks(q: q, a: statesByLevel[a], groups: groups, resolution: tau)
        tRes = tau; kA = statesByLevel[a].count; kX = blocks.kX
        // Steps per τ: 32, or more when the fastest exit rate λ would leave λh above 0.08 (the
        // Richardson-extrapolated trapezoid leaves ~(λh)⁴ of the fastest component).
        let fastest = (0..<q.rows).map { abs(q[$0, $0]) }.max() ?? 0
        var k = Self.stepsPerResolution
        while fastest * tau / Double(k) > 0.08 && k < Self.maxStepsPerResolution { k *= 2 }
        stepsPerResolution = k
        step = tau / Double(k)
        let w = blocks.wFunction
        // Roots below the barrier are not poles of eG*: the barrier itself decays faster than
        // the grid's U (checked below: the asymptotic form must meet the grid).
        let barrier = w.barrier()
        var roots = try w.roots(above: barrier)
        var terms: [Matrix] = []
        for s in roots {
            let pair = try w.h(s).eigenpair(closestTo: s)
            let denom = dot(pair.left * w.derivative(s), pair.right)
            guard denom != 0, denom.isFinite else {
                throw GatingModelsError.rootFindingFailed(context: "level \(a): r W'(s) c = \(denom) at s = \(s)")
            }
            var r = Matrix(rows: kA, columns: kA)
            for x in 0..<kA { for y in 0..<kA { r[x, y] = pair.right[x] * pair.left[y] / denom } }
            terms.append(r * (try blocks.exitTransform(s)))
        }
        totalHandover = try (-w.h(0)).inverse() * (try blocks.exitTransform(0))

        // The grid, a τ-segment at a time, until the asymptotic form has agreed with it to 1e-8
        // (of the largest entry at each node) over two whole segments from 2τ on; U is the start
        // of those two. Richardson: the trapezoidal errors go as h² on each τ-segment (its
        // breakpoints are on the grid), so (4·β_{h/2} − β_h)/3 at the common nodes.
        var coarse = try blocks.delaySystem(stepsPerResolution: k)
        var fine = try blocks.delaySystem(stepsPerResolution: 2 * k)
        let width = kA * kX
        var g: [Double] = []
        var agreeing = 0, segment = 0, worst = 0.0
        while segment < Self.maxSegments && agreeing < 2 {
            try coarse.advance(to: (segment + 1) * k)
            try fine.advance(to: 2 * (segment + 1) * k)
            worst = 0
            for n in (segment == 0 ? 0 : segment * k + 1)...((segment + 1) * k) {
                let combined = blocks.survive.rightMultiplying(Matrix(rows: kA, columns: kX, elements: (0..<width).map {
                    (4 * fine.history[2 * n].elements[$0] - coarse.history[n].elements[$0]) / 3
                }))
                g.append(contentsOf: combined.elements)
                worst = max(worst, Self.mismatch(g, node: n, width: width, u: Double(n) * step, roots: roots, terms: terms))
            }
            segment += 1
            agreeing = segment > 2 && worst <= 1e-8 ? agreeing + 1 : 0
        }
        var start = segment - agreeing
        if agreeing == 0, worst > 1e-8, let barrier {
            // What the roots of det W miss lies below its barrier: add the zeros of the entire
            // det K there (down to 4× the barrier) and find where the form meets the grid.
            let below = blocks.characteristicRoots(from: barrier, to: 4 * barrier, points: 400)
                .filter { root in !roots.contains { abs($0 - root) <= 1e-9 * abs(root) } }
            let kRoots = roots + below
            let kTerms = terms + (try below.map { try blocks.characteristicTerm($0) })
            var last = segment
            while last > 2 {
                let segmentWorst = (((last - 1) * k + 1)...(last * k)).map {
                    Self.mismatch(g, node: $0, width: width, u: Double($0) * tau / Double(k), roots: kRoots, terms: kTerms)
                }.max() ?? 0
                if segmentWorst > 1e-7 { break }
                last -= 1
            }
            if last < segment - 1 { roots = kRoots; terms = kTerms; start = last; worst = 0 }
        }
        guard start < segment || worst <= 1e-6 else {
            throw GatingModelsError.rootFindingFailed(
                context: "exact multi-level missed-event correction, level \(a): its asymptotic dwell density still differs from the time-domain one by \(worst) at \(segment) t_res (use the hjc correction, --patch-correction hjc)")
        }
        self.roots = roots
        asymptoticTerms = terms
        nodes = g
        nodeCount = g.count / width
        exactLength = Double(start) * tau
    }

    /// |asymptotic form − grid| at node n, relative to the node's largest entry.
    private static func mismatch(_ g: [Double], node n: Int, width: Int, u: Double, roots: [Double], terms: [Matrix]) -> Double {
        let decays = roots.map { exp($0 * u) }
        var largest = 0.0, difference = 0.0
        for e in 0..<width {
            var asymptotic = 0.0
            for i in roots.indices { asymptotic += decays[i] * terms[i].elements[e] }
            largest = max(largest, abs(g[n * width + e]))
            difference = max(difference, abs(asymptotic - g[n * width + e]))
        }
        return largest > 0 ? difference / largest : difference
    }

    // MARK: - eG(t)

    /// v · eG(t) (v over level a's states; result over the other states): the likelihood step
    /// for a dwell of measured length t. Zero for t < τ.
    func propagate(_ v: [Double], duration t: Double) -> [Double] {
        var out = [Double](repeating: 0, count: kX)
        let u = t - tRes
        guard u >= 0 else { return out }
        if u < exactLength {
            let (first, weights) = stencil(u)
            let width = kA * kX
            for (i, weight) in weights.enumerated() {
                let base = (first + i) * width
                for x in 0..<kA where v[x] != 0 {
                    let scaled = v[x] * weight, row = base + x * kX
                    for y in 0..<kX { out[y] += scaled * nodes[row + y] }
                }
            }
            return out
        }
        for (i, s) in roots.enumerated() {
            let e = exp(s * u)
            let term = asymptoticTerms[i]
            for x in 0..<kA where v[x] != 0 {
                let scaled = v[x] * e
                for y in 0..<kX { out[y] += scaled * term[x, y] }
            }
        }
        return out
    }

    /// ∫_{t0}^∞ eG(t) dt for t0 ≥ τ: three-point Gauss–Legendre on each grid step (exact for
    /// the quintic interpolant) below U, the asymptotic terms in closed form beyond.
    func integral(from t0: Double) -> Matrix {
        let u0 = max(t0 - tRes, 0)
        var total = Matrix(rows: kA, columns: kX)
        if u0 < exactLength {
            var lo = u0
            while lo < exactLength {
                let hi = min((floor(lo / step + 1e-9) + 1) * step, exactLength)
                for (point, weight) in gaussLegendre3(from: lo, to: hi) {
                    total.addScaled(matrix(duration: point + tRes), weight)
                }
                lo = hi
            }
        }
        let start = max(u0, exactLength)
        for (i, s) in roots.enumerated() { total.addScaled(asymptoticTerms[i], exp(s * start) / -s) }
        return total
    }

    /// Nodes per interpolating polynomial: the quintic through six nodes leaves ~(λh)⁶/720 of the
    /// largest entry (λ the fastest rate; 1e-9 for CH82's 19 000 s⁻¹ at τ = 100 µs, where a
    /// cubic left 3e-7).
    static let stencilWidth = 6

    /// The first node and the Lagrange weights of the polynomial through u on
    /// `stencilWidth` nodes, kept inside one τ-segment (the solution has kinks at multiples of τ).
    private func stencil(_ u: Double) -> (Int, [Double]) {
        let k = stepsPerResolution, width = Self.stencilWidth
        let x = u / step
        let segment = min(Int(x / Double(k)), (nodeCount - 1) / k - 1)
        let lowest = segment * k, highest = lowest + k
        let first = min(max(Int(x) - width / 2 + 1, lowest), highest - width + 1)
        let r = x - Double(first)
        var weights = [Double](repeating: 1, count: width)
        for i in 0..<width {
            for j in 0..<width where j != i { weights[i] *= (r - Double(j)) / Double(i - j) }
        }
        return (first, weights)
    }
}
