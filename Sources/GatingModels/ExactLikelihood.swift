import Foundation

/// The exact (HJC missed-event corrected) log-likelihood of records under a scheme:
/// for each group, log(φ_start eG_AF(t1) eG_FA(t2) … eG_AF(t_n) e_end), summed
/// (HJC 1992 eq. 5.?; CHS 1996 eqs. 5.8–5.10 for the start and end vectors).
public enum ExactLikelihood {
    /// Log-likelihood of `records` with the scheme's current rates.
    /// - Throws: numerical errors of the theory (overflowing rates, complex eigenvalues).
    ///   A group with zero likelihood gives −∞ (not an error), so optimisers can step back.
    public static func logLikelihood(_ scheme: GatingScheme, records: [LikelihoodRecord]) throws -> Double {
        var total = 0.0
        // Records at the same conditions share one theory.
        var cache: [String: (MissedEventsTheory, [Double], [Double])] = [:]
        for r in records {
            let key = "\(r.conditions.concentration)|\(r.conditions.voltage)|\(r.resolution)|\(r.tCrit)"
            let entry: (MissedEventsTheory, [Double], [Double])
            if let e = cache[key] { entry = e } else {
                let theory = try MissedEventsTheory(try scheme.qMatrix(r.conditions), resolution: r.resolution)
                let chs = r.tCrit.isFinite ? try theory.chsVectors(tCrit: r.tCrit)
                                           : (start: theory.openingInitialVector, end: [Double](repeating: 1, count: theory.shuttingInitialVector.count))
                entry = (theory, chs.start, chs.end)
                cache[key] = entry
            }
            total += logLikelihood(theory: entry.0, chsStart: entry.1, chsEnd: entry.2, groups: r.groups)
        }
        return total
    }

    /// Sum over groups of the log-likelihood with a given theory and CHS vectors.
    static func logLikelihood(theory: MissedEventsTheory, chsStart: [Double], chsEnd: [Double],
                              groups: [LikelihoodRecord.Group]) -> Double {
        let uF = [Double](repeating: 1, count: chsEnd.count)
        var total = 0.0
        for g in groups {
            var v = g.start == .longShutting ? chsStart : theory.openingInitialVector
            var logScale = 0.0
            for (k, t) in g.durations.enumerated() {
                v = k % 2 == 0 ? theory.propagateOpen(v, duration: t) : theory.propagateShut(v, duration: t)
                // Rescale to avoid underflow over long groups.
                let s = v.reduce(0) { $0 + abs($1) }
                guard s > 0, s.isFinite else { return -.infinity }
                logScale += log(s)
                for i in v.indices { v[i] /= s }
            }
            let end = g.end == .longShutting ? chsEnd : uF
            let l = dot(v, end)
            guard l > 0, l.isFinite else { return -.infinity }
            total += logScale + log(l)
        }
        return total
    }
}
