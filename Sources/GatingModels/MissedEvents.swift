import Foundation

/// Missed-event ("apparent") theory of a Q-matrix at a resolution t_res: the exact HJC
/// distributions of apparent open and shut times, their equilibrium initial vectors, and the
/// CHS start/end vectors for groups of openings split at t_crit.
///
/// Apparent open and shut times are at least t_res; the pdfs are exact below 3 t_res
/// (HJC 1990) and asymptotic above (HJC 1992).
public struct MissedEventsTheory: Sendable {
    /// The resolution t_res in seconds.
    public let resolution: Double
    let open: HJCSojourn
    let shut: HJCSojourn
    /// Equilibrium initial vector of apparent openings, φ_A (HJC 1992 eq. 4.?).
    public let openingInitialVector: [Double]
    /// Equilibrium initial vector of apparent shuttings, φ_F = φ_A eG_AF / (φ_A eG_AF u_F).
    public let shuttingInitialVector: [Double]
    /// Indices (scheme order) of the open and shut states.
    public let openStateIndices: [Int]
    public let shutStateIndices: [Int]

    /// - Parameters:
    ///   - asymptoticRoots: false skips the roots of det W(s): means, Popen and initial
    ///     vectors stay exact, but densities beyond 3 t_res and the asymptotic pdfs are then
    ///     empty (zero). Use it for extreme concentrations where e^{−sτ} overflows.
    /// - Throws: `invalidArgument` for t_res ≤ 0 or not finite; numerical errors from the
    ///   eigen-decompositions and root finding.
    public init(_ q: QMatrix, resolution tRes: Double, asymptoticRoots: Bool = true) throws {
        guard tRes.isFinite, tRes > 0 else {
            throw GatingModelsError.invalidArgument(name: "resolution", reason: "\(tRes) s must be finite and > 0")
        }
        resolution = tRes
        openStateIndices = q.openStates
        shutStateIndices = q.shutStates
        open = try HJCSojourn(q: q, within: q.openStates, complement: q.shutStates, resolution: tRes, asymptotic: asymptoticRoots)
        shut = try HJCSojourn(q: q, within: q.shutStates, complement: q.openStates, resolution: tRes, asymptotic: asymptoticRoots)
        // eG_AF = eR_A*(0) Q_AF e^{Q_FF τ}; φ_A is the stationary vector of eG_AF eG_FA.
        let gAF = open.integratedSurvivor * open.exitFactor
        let gFA = shut.integratedSurvivor * shut.exitFactor
        openingInitialVector = try stationaryVector(gAF * gFA)
        shuttingInitialVector = normalised(openingInitialVector * gAF, context: "φF")
    }

    // MARK: - pdfs

    /// The asymptotic apparent open-time pdf: kA exponentials starting at t_res, rates −s_i.
    public var apparentOpenTimePDF: ExponentialMixture { asymptotic(open, phi: openingInitialVector) }
    /// The asymptotic apparent shut-time pdf: kF exponentials starting at t_res.
    public var apparentShutTimePDF: ExponentialMixture { asymptotic(shut, phi: shuttingInitialVector) }

    /// The apparent open-time density at t (exact below 3 t_res; 0 below t_res).
    public func apparentOpenDensity(_ t: Double) -> Double {
        open.propagate(openingInitialVector, duration: t).reduce(0, +)
    }

    /// The apparent shut-time density at t (exact below 3 t_res; 0 below t_res).
    public func apparentShutDensity(_ t: Double) -> Double {
        shut.propagate(shuttingInitialVector, duration: t).reduce(0, +)
    }

    /// Mean apparent open time (exact): τ + φ_A W(0)⁻¹ W'(0) W(0)⁻¹ Q_AF e^{Q_FF τ} u_F.
    public var meanApparentOpenTime: Double { mean(open, phi: openingInitialVector) }
    /// Mean apparent shut time (exact).
    public var meanApparentShutTime: Double { mean(shut, phi: shuttingInitialVector) }

    /// Apparent open probability, mean apparent open / (mean open + mean shut).
    public var apparentPopen: Double {
        meanApparentOpenTime / (meanApparentOpenTime + meanApparentShutTime)
    }

    /// Roots s_i of det W(s) for open (kA) and shut (kF) sojourns.
    public var openRoots: [Double] { open.roots }
    public var shutRoots: [Double] { shut.roots }

    // MARK: - CHS vectors (Colquhoun, Hawkes & Srodzinski 1996)

    /// Start and end vectors of a group of openings whose flanking shut times exceed t_crit:
    /// φ_b = φ_F H_FA / (φ_F H_FA u_A) and e_b = H_FA u_A, with H_FA = ∫_{t_crit}^∞ eG_FA(t) dt.
    /// - Throws: `invalidArgument` if t_crit < t_res.
    public func chsVectors(tCrit: Double) throws -> (start: [Double], end: [Double]) {
        guard tCrit.isFinite, tCrit >= resolution else {
            throw GatingModelsError.invalidArgument(name: "tcrit", reason: "\(tCrit) s must be ≥ the resolution \(resolution) s")
        }
        let hFA = shut.integral(from: tCrit)
        let start = normalised(shuttingInitialVector * hFA, context: "CHS start")
        let end = hFA * [Double](repeating: 1, count: hFA.columns)
        return (start, end)
    }

    // MARK: - Likelihood steps

    /// v · eG_AF(t) for an apparent opening of length t.
    public func propagateOpen(_ v: [Double], duration t: Double) -> [Double] { open.propagate(v, duration: t) }
    /// v · eG_FA(t) for an apparent shutting of length t.
    public func propagateShut(_ v: [Double], duration t: Double) -> [Double] { shut.propagate(v, duration: t) }

    // MARK: - Helpers

    private func asymptotic(_ side: HJCSojourn, phi: [Double]) -> ExponentialMixture {
        var rates: [Double] = [], areas: [Double] = []
        for (i, s) in side.roots.enumerated() {
            let w = (phi * side.asymptoticTerms[i]).reduce(0, +)
            rates.append(-s)
            areas.append(w / -s)
        }
        return ExponentialMixture(rates: rates, areas: areas, start: resolution)
    }

    private func mean(_ side: HJCSojourn, phi: [Double]) -> Double {
        let r = side.integratedSurvivor
        let m = r * side.wPrime0 * r * side.exitFactor
        return resolution + (phi * m).reduce(0, +)
    }
}

/// The row vector x with x M = x and Σ x = 1 (M a stochastic matrix), by solving
/// (I − M)ᵀ xᵀ = 0 with the last equation replaced by the normalisation.
func stationaryVector(_ m: Matrix) throws -> [Double] {
    let n = m.rows
    var a = (Matrix.identity(n) - m).transposed
    for j in 0..<n { a[n - 1, j] = 1 }
    var b = Matrix(rows: n, columns: 1)
    b[n - 1, 0] = 1
    let x = try a.solve(b)
    return x.column(0)
}
