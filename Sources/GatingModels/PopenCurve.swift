import Foundation

/// The equilibrium concentration–Popen curve of a scheme, ideal or apparent (HJC at a
/// resolution), summarised as maximum, EC50 and Hill coefficient at the EC50 (as SCALCS does).
public struct PopenCurve: Sendable, Equatable, Codable {
    /// Resolution used (nil = ideal, no missed events).
    public var resolution: Double?
    /// Popen at zero concentration.
    public var minimum: Double
    /// Popen where the curve has flattened (relative change < 1e-5 per half-decade).
    public var maximum: Double
    /// Concentration giving Popen halfway between minimum and maximum, in M.
    public var ec50: Double
    /// Hill slope d ln[(P − P0)/(Pmax − P)] / d ln c at the EC50.
    public var hillCoefficient: Double

    /// Popen of `scheme` at conditions: ideal when `resolution` is nil, else the HJC apparent Popen.
    public static func popen(_ scheme: GatingScheme, _ c: RecordConditions, resolution: Double?) throws -> Double {
        let q = try scheme.qMatrix(c)
        if let r = resolution { return try MissedEventsTheory(q, resolution: r, asymptoticRoots: false).apparentPopen }
        return try q.popen()
    }

    /// Analyses the curve at `voltage`.
    /// - Throws: `invalidArgument` when Popen does not rise with concentration (no agonist-
    ///   dependent rate), numerical errors of the theory.
    public static func analyse(_ scheme: GatingScheme, voltage: Double = 0, resolution: Double? = nil) throws -> PopenCurve {
        func p(_ c: Double) throws -> Double { try popen(scheme, RecordConditions(concentration: c, voltage: voltage), resolution: resolution) }
        let p0 = resolution == nil ? try p(0) : (try? p(1e-15)) ?? 0
        // Walk up in half-decades from 1 nM, not stopping below 10 mM, until two successive
        // relative changes are below 1e-5 (as SCALCS does), or 100 M.
        var c = 1e-9
        var last = try p(c)
        var top = last
        var lastRel = Double.infinity
        while c < 100 {
            c *= 10.0.squareRoot()
            let v = try p(c)
            top = v
            let rel = v > 0 ? (v - last) / v : 0
            if c >= 0.01, abs(rel) < 1e-5, abs(lastRel) < 1e-5 { break }
            lastRel = rel
            last = v
        }
        guard top > p0 else {
            throw GatingModelsError.invalidArgument(name: "scheme", reason: "Popen does not increase with concentration")
        }
        let half = p0 + 0.5 * (top - p0)
        guard let logEC50 = bisectRoot({ (try? p(exp($0))).map { $0 - half } ?? .nan }, lower: log(1e-12), upper: log(c),
                                       relativeTolerance: 1e-14) else {
            throw GatingModelsError.invalidArgument(name: "scheme", reason: "no EC50 found")
        }
        let ec50 = exp(logEC50)
        let h = 1e-4
        func logit(_ x: Double) throws -> Double { let v = try p(ec50 * exp(x)); return log((v - p0) / (top - v)) }
        let nH = (try logit(h) - logit(-h)) / (2 * h)
        return PopenCurve(resolution: resolution, minimum: p0, maximum: top, ec50: ec50, hillCoefficient: nH)
    }
}
