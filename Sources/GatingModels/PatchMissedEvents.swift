import Foundation

/// Missed-event theory for a record with several levels — a patch of N channels — in three forms:
///
/// **Exact** (`.exact`, the default; `LevelSojourn`): the apparent dwell at level a ends at
/// the first sojourn ≥ τ at another level, exactly as the resolution rule
/// (`ResolutionImposition`) ends it; sojourns shorter than τ at other levels — one, or a chain
/// of them through several levels (0 → short 1 → short 2 → back to 0) — are part of the dwell,
/// and the level it hands over to is that of the first long sojourn (0 → short 1 → 2 is seen as
/// 0 → 2). For one channel this is HJC.
///
/// **HJC per level** (`.hjc`): the apparent dwell at level a is an HJC sojourn in A = level a's
/// states against F = every other state (`HJCSojourn`), ended by the first sojourn in F ≥ τ and
/// handed over to the level of the F state it enters. It agrees with the exact form whenever an
/// excursion from a stays at one level — always for the middle level of two channels — and
/// differs for a sojourn shorter than τ that leads on to a third level (`passThroughFraction`;
/// its effect on fitted rates is measured at `ExactFit.passThroughLimit`).
///
/// **First order** (`.firstOrder`; Qin, Auerbach & Sachs 1996, Biophys J 70:264, the correction
/// QuB's MIL uses; the two-class case is `MissedEventsTheory.firstOrderQ`): with blocks of the
/// aggregate Q by level and dead time τ,
///   M_B = ∫₀^τ e^{Q_BB s} ds = (e^{Q_BB τ} − I) Q_BB⁻¹,
///   eQ_AA = Q_AA + Σ_{b≠a} Q_AB M_B Q_BA                  (a → short b → back: still at a),
///   eQ_AC = (Q_AC + Σ_{b≠a,c} Q_AB M_B Q_BC) e^{Q_CC τ}    (a → short b → c, seen as a → c,
///                                                            and c lasts at least τ),
/// and an apparent dwell of length t at a that ends at c has density e^{eQ_AA (t − τ)} eQ_AC.
/// It ignores the time spent in missed sojourns: on two C–C–O channels at τ·(exit rate) ≈ 0.25
/// it biases the fitted open-state rates by ~2 SD (measured in `PatchLikelihoodTests`).
/// τ = 0 gives the ideal (no missed events) theory.
public struct PatchMissedEvents: Sendable {
    /// How missed events are corrected.
    public enum Correction: String, Sendable, CaseIterable {
        case exact
        case hjc
        case firstOrder = "first-order"
    }
    public let patch: ChannelPatch
    public let correction: Correction
    /// τ = t_res in s.
    public let resolution: Double
    /// Aggregate states at each level.
    public let levelStates: [[Int]]
    /// The first-order eQ_AA per level (the ideal Q_AA at τ = 0).
    public let within: [Matrix]
    /// The first-order eQ_AC per level pair (a, c), a ≠ c (the diagonal entries are empty matrices).
    public let between: [[Matrix]]
    /// First order: spectral decomposition of eQ_AA per level, e^{eQ_AA s} = Σ_j A_j e^{λ_j s}
    /// (empty for the exact and HJC forms).
    let spectra: [SpectralDecomposition]
    /// Where a dwell of any length at a hands over to c: (−eQ_AA)⁻¹ eQ_AC, or for HJC
    /// ∫ eG_AF(t) dt restricted to c's states.
    let handover: [[Matrix]]
    /// A_j eQ_AC per (a, c) and eigenvalue j: one apparent dwell in first order (empty otherwise).
    let kernels: [[[Matrix]]]
    /// HJC per level: the sojourn at each level against all other states; exact: the dwell at
    /// each level. `slots[a][c]`: where level c's states sit among those other states.
    let sojourns: [HJCSojourn?]
    let levelSojourns: [LevelSojourn?]
    let slots: [[[Int]]]
    /// M_B = ∫₀^τ e^{Q_BB s} ds per level.
    let missed: [Matrix]

    /// - Throws: `invalidArgument` for a negative or non-finite resolution; theory errors
    ///   (complex eigenvalues, singular blocks, overflowing rates); for the exact form
    ///   `rootFindingFailed` where its asymptotic density does not meet the time-domain one
    ///   within `LevelSojourn.maxSegments`·τ (large patches; the message names the hjc form).
    /// - Parameters:
    ///   - correction: ignored for τ = 0 (all give the ideal theory, in first order's form).
    ///   - delaySystemEverywhere: exact form only — solve every level by `LevelSojourn`'s delay
    ///     system, even a level whose excursions cannot pass between two other levels (the
    ///     middle level of two channels, both levels of one), where HJC's closed form is exact
    ///     and is used otherwise. For cross-checks.
    public init(_ patch: ChannelPatch, resolution tau: Double, correction: Correction = .exact,
                delaySystemEverywhere: Bool = false) throws {
        guard tau.isFinite, tau >= 0 else {
            throw GatingModelsError.invalidArgument(name: "resolution", reason: "\(tau) s must be finite and ≥ 0")
        }
        let q = patch.matrix
        guard q.isFinite else { throw GatingModelsError.nonFiniteMatrix(context: "aggregate Q-matrix of \(patch.channels) channels") }
        let states = patch.statesByLevel
        let levelCount = states.count
        // e^{Q_BB τ} and M_B per level.
        var survive: [Matrix] = [], missed: [Matrix] = []
        for b in 0..<levelCount {
            let qbb = q.submatrix(rows: states[b], columns: states[b])
            let n = states[b].count
            if tau == 0 {
                survive.append(.identity(n)); missed.append(Matrix(rows: n, columns: n))
            } else {
                let e = try qbb.exponential(tau)
                survive.append(e)
                missed.append((e - .identity(n)) * (try qbb.inverse()))
            }
        }
        func block(_ a: Int, _ c: Int) -> Matrix { q.submatrix(rows: states[a], columns: states[c]) }
        var within: [Matrix] = [], between: [[Matrix]] = []
        for a in 0..<levelCount {
            var eAA = block(a, a)
            var row: [Matrix] = []
            for c in 0..<levelCount {
                if c == a { row.append(Matrix(rows: 0, columns: 0)); continue }
                var direct = block(a, c)
                if tau > 0 {
                    for b in 0..<levelCount where b != a && b != c {
                        direct = direct + block(a, b) * missed[b] * block(b, c)
                    }
                    eAA = eAA + block(a, c) * missed[c] * block(c, a)
                }
                row.append(direct * survive[c])
            }
            within.append(eAA)
            between.append(row)
        }
        // Only the chosen form's propagators (the HJC ones are built on every likelihood evaluation).
        var spectra: [SpectralDecomposition] = [], handover: [[Matrix]] = [], kernels: [[[Matrix]]] = []
        var sojourns: [HJCSojourn?] = [], levelSojourns: [LevelSojourn?] = [], slots: [[[Int]]] = []
        let form: Correction = tau > 0 ? correction : .firstOrder
        if form == .firstOrder {
            for a in 0..<levelCount {
                let spectrum = try within[a].spectralDecomposition()
                let sojourn = try (-within[a]).inverse()
                spectra.append(spectrum)
                handover.append((0..<levelCount).map { c in c == a ? Matrix(rows: 0, columns: 0) : sojourn * between[a][c] })
                kernels.append((0..<levelCount).map { c in
                    c == a ? [] : spectrum.spectralMatrices.map { $0 * between[a][c] }
                })
            }
        } else {
            for a in 0..<levelCount {
                let others = (0..<levelCount).filter { $0 != a }.flatMap { states[$0] }   // level by level
                var position = [Int](repeating: 0, count: patch.stateCount)
                for (k, state) in others.enumerated() { position[state] = k }
                let placed = (0..<levelCount).map { c in c == a ? [] : states[c].map { position[$0] } }
                let all: Matrix
                // Can an excursion from a pass from one other level to another?
                let passes = others.contains { i in others.contains { j in patch.levels[i] != patch.levels[j] && q[i, j] > 0 } }
                if form == .exact && (passes || delaySystemEverywhere) {
                    let sojourn = try LevelSojourn(q: q, statesByLevel: states, level: a, resolution: tau)
                    all = sojourn.totalHandover
                    levelSojourns.append(sojourn)
                    sojourns.append(nil)
                } else {
                    let lumped = try QMatrix(q, conductanceClasses: patch.levels.map { $0 == a ? 1 : 0 })
                    let sojourn = try HJCSojourn(q: lumped, within: states[a], complement: others, resolution: tau)
                    all = sojourn.integratedSurvivor * sojourn.exitFactor
                    sojourns.append(sojourn)
                    levelSojourns.append(nil)
                }
                handover.append((0..<levelCount).map { c in
                    c == a ? Matrix(rows: 0, columns: 0) : all.submatrix(rows: Array(0..<states[a].count), columns: placed[c])
                })
                slots.append(placed)
            }
        }
        self.patch = patch
        self.correction = form
        self.resolution = tau
        levelStates = states
        self.within = within
        self.between = between
        self.spectra = spectra
        self.handover = handover
        self.kernels = kernels
        self.sojourns = sojourns
        self.levelSojourns = levelSojourns
        self.slots = slots
        self.missed = missed
    }

    /// Of all sojourns at a level (at equilibrium), the fraction shorter than τ that lead on to
    /// a third level (a → short b → c ≠ a): the excursions HJC per level approximates — it
    /// times them from the start of b where the resolution rule times c from its own start.
    /// 0 for one channel. What it does to fitted rates is measured at `ExactFit.passThroughLimit`.
    public func passThroughFraction() throws -> Double {
        let p = try patch.equilibrium()
        let q = patch.matrix
        var entries = 0.0, passing = 0.0
        for b in 0..<levelCount {
            // Flux into level b's states from each other level a.
            for a in 0..<levelCount where a != b {
                var flux = [Double](repeating: 0, count: levelStates[b].count)
                for i in levelStates[a] {
                    for (y, j) in levelStates[b].enumerated() { flux[y] += p[i] * q[i, j] }
                }
                entries += flux.reduce(0, +)
                let short = flux * missed[b]                      // time-weighted occupancy while short
                for c in 0..<levelCount where c != a && c != b {
                    for (x, i) in levelStates[b].enumerated() {
                        for j in levelStates[c] { passing += short[x] * q[i, j] }
                    }
                }
            }
        }
        return entries > 0 ? passing / entries : 0
    }

    /// Number of levels (N + 1).
    public var levelCount: Int { levelStates.count }

    /// A row vector over level a's states carried through an apparent dwell of `duration` at a
    /// that ends at c: v · eG(t) restricted to c (exact, HJC), or v · e^{eQ_AA (t − τ)} eQ_AC.
    public func propagate(_ v: [Double], from a: Int, to c: Int, duration: Double) -> [Double] {
        if correction != .firstOrder {
            let all = levelSojourns[a]?.propagate(v, duration: duration) ?? sojourns[a]?.propagate(v, duration: duration) ?? []
            return slots[a][c].map { all[$0] }
        }
        let spectrum = spectra[a]
        let width = levelStates[c].count
        var out = [Double](repeating: 0, count: width)
        let s = max(duration - resolution, 0)
        for (j, lambda) in spectrum.eigenvalues.enumerated() {
            let e = exp(lambda * s)
            let k = kernels[a][c][j]
            for r in v.indices {
                let weight = v[r] * e
                if weight == 0 { continue }
                for col in 0..<width { out[col] += weight * k[r, col] }
            }
        }
        return out
    }

    /// v carried through a dwell at a of unknown length (the first interval of a stretch, cut
    /// short by the start of recording) that ends at c.
    public func handOver(_ v: [Double], from a: Int, to c: Int) -> [Double] { v * handover[a][c] }

    /// ∫_{t0}^∞ of the apparent-dwell density matrix at level a ending at c (t0 ≥ τ): where a
    /// dwell at a known to be longer than t0 hands over to c (the CHS vectors' H_FA).
    public func handover(from a: Int, to c: Int, longerThan t0: Double) -> Matrix {
        if correction != .firstOrder, let all = levelSojourns[a]?.integral(from: t0) ?? sojourns[a]?.integral(from: t0) {
            return all.submatrix(rows: Array(0..<levelStates[a].count), columns: slots[a][c])
        }
        // First order: ∫_{t0}^∞ e^{eQ_AA (t−τ)} dt eQ_AC = Σ_j A_j e^{λ_j (t0−τ)}/(−λ_j) eQ_AC.
        let spectrum = spectra[a]
        var m = Matrix(rows: levelStates[a].count, columns: levelStates[a].count)
        for (j, lambda) in spectrum.eigenvalues.enumerated() {
            m.addScaled(spectrum.spectralMatrices[j], exp(lambda * (t0 - resolution)) / -lambda)
        }
        return m * between[a][c]
    }

    /// Distribution over level a's states at a random time at equilibrium (the aggregate p∞
    /// restricted to the level, normalised).
    public func equilibriumWithin(level a: Int) throws -> [Double] {
        let p = try patch.equilibrium()
        return normalised(levelStates[a].map { p[$0] }, context: "level \(a) equilibrium")
    }

    /// Entry distribution of apparent dwells: the stationary vector of the embedded chain that
    /// hands over from level to level (rows of `handover`), restricted to level a and
    /// normalised; what an apparent dwell at a starts from in a long record.
    public func entryDistributions() throws -> [[Double]] {
        let n = patch.stateCount
        var chain = Matrix(rows: n, columns: n)
        for a in 0..<levelCount {
            for c in 0..<levelCount where c != a {
                for (x, i) in levelStates[a].enumerated() {
                    for (y, j) in levelStates[c].enumerated() { chain[i, j] = handover[a][c][x, y] }
                }
            }
        }
        let left = try chain.eigenpair(closestTo: 1).left
        return levelStates.map { states in
            let v = states.map { abs(left[$0]) }
            let s = v.reduce(0, +)
            return s > 0 ? v.map { $0 / s } : v
        }
    }

    /// The apparent density of dwells at level a from its entry distribution `phi` (t ≥ τ).
    public func apparentDensity(level a: Int, entry phi: [Double]) -> @Sendable (Double) -> Double {
        if correction != .firstOrder {
            if let sojourn = levelSojourns[a] { return { t in sojourn.propagate(phi, duration: t).reduce(0, +) } }
            if let sojourn = sojourns[a] { return { t in sojourn.propagate(phi, duration: t).reduce(0, +) } }
        }
        let pdf = dwellTimePDF(level: a, entry: phi)
        return { pdf.density($0) }
    }

    /// The first-order (or, at τ = 0, ideal) pdf of dwells at level a from its entry
    /// distribution `phi`, normalised over t ≥ τ: Σ_j φ A_j eQ_A· u e^{λ_j (t − τ)}. A theory
    /// built for HJC has no such form (use `apparentDensity`).
    public func dwellTimePDF(level a: Int, entry phi: [Double]) -> ExponentialMixture {
        precondition(correction == .firstOrder, "dwellTimePDF needs a first-order or ideal (τ = 0) theory")
        var exit = [Double](repeating: 0, count: levelStates[a].count)
        for c in 0..<levelCount where c != a {
            let out = between[a][c] * [Double](repeating: 1, count: levelStates[c].count)
            for i in exit.indices { exit[i] += out[i] }
        }
        let spectrum = spectra[a]
        var rates: [Double] = [], areas: [Double] = []
        for (j, lambda) in spectrum.eigenvalues.enumerated() {
            rates.append(-lambda)
            areas.append(dot(phi * spectrum.spectralMatrices[j], exit) / -lambda)
        }
        let total = areas.reduce(0, +)
        if total > 0 { areas = areas.map { $0 / total } }
        return ExponentialMixture(rates: rates, areas: areas, start: resolution)
    }
}
