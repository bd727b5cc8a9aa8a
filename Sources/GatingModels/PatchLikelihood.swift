import Foundation

/// The log-likelihood of multi-level records from a patch of N identical independent channels
/// (the aggregate Markov process of `ChannelPatch`) with missed events corrected per level
/// (`PatchMissedEvents`: exactly by default; HJC per level or the first-order form QuB's MIL uses
/// on request). For each
/// stretch of intervals (ℓ₀, t₀), (ℓ₁, t₁), …, (ℓ_m, t_m):
///   L = p∞|ℓ₀ · eG*_ℓ₀ℓ₁ · ∏_{i=1}^{m−1} eG_ℓiℓi+1(t_i) · u,
/// with eG_ac(t) the apparent-dwell density matrix at level a ending at c and eG* its integral
/// over all t: the first interval's length is unknown (recording started in it at
/// equilibrium) and the last one's unused (it is cut short).
public enum PatchLikelihood {
    /// Log-likelihood of `records` with the scheme's current rates.
    /// - Throws: theory errors (overflowing rates, complex eigenvalues). A stretch with zero
    ///   likelihood gives −∞ (not an error), so optimisers can step back.
    public static func logLikelihood(_ scheme: GatingScheme, records: [PatchRecord],
                                     correction: PatchMissedEvents.Correction = .exact) throws -> Double {
        var total = 0.0
        var cache: [String: PatchMissedEvents] = [:]
        for r in records {
            let key = "\(r.conditions.concentration)|\(r.conditions.voltage)|\(r.resolution)|\(r.channels)"
            let theory: PatchMissedEvents
            if let t = cache[key] { theory = t } else {
                theory = try PatchMissedEvents(try ChannelPatch(try scheme.qMatrix(r.conditions), channels: r.channels),
                                               resolution: r.resolution, correction: correction)
                cache[key] = theory
            }
            total += try logLikelihood(theory: theory, stretches: r.stretches, tCrit: r.tCrit, sampleInterval: r.sampleInterval)
            if !total.isFinite { return total }
        }
        return total
    }

    /// Sum over stretches with one theory. A stretch that starts with a shut interval longer
    /// than t_crit starts from φ₀ H₀c (φ₀ the entry distribution of shut dwells, H₀c = ∫ from
    /// t_crit of their density ending at the next level c), normalised; one that ends with such
    /// an interval ends with H₀ u — the CHS start and end vectors (for one channel this is the
    /// HJCFIT likelihood exactly, tested).
    ///
    /// With a `sampleInterval` Δ (idealised records), an interval shorter than t_res + 2Δ is
    /// scored by the density averaged over its sampling bin [max(t_res, t − Δ/2), t + Δ/2]:
    /// durations are known only to a sample, and just above t_res a density can rise from 0
    /// within one — exactly, a dwell that hands over two levels up needs a sojourn at the level
    /// between, so its density vanishes at t_res, while an idealiser that misses that sojourn
    /// writes the jump at whatever sample comes.
    static func logLikelihood(theory: PatchMissedEvents, stretches: [PatchRecord.Stretch], tCrit: Double,
                              sampleInterval: Double? = nil) throws -> Double {
        let bin = sampleInterval ?? 0, tRes = theory.resolution
        func step(_ v: [Double], _ a: Int, _ c: Int, _ t: Double) -> [Double] {
            guard bin > 0, t < tRes + 2 * bin else { return theory.propagate(v, from: a, to: c, duration: t) }
            let lo = max(tRes, t - bin / 2), hi = t + bin / 2
            var out = [Double](repeating: 0, count: theory.levelStates[c].count)
            for (point, weight) in gaussLegendre3(from: lo, to: hi) {
                let x = theory.propagate(v, from: a, to: c, duration: point)
                for k in out.indices { out[k] += weight / (hi - lo) * x[k] }
            }
            return out
        }
        var starts: [Int: [Double]] = [:]
        var longStart: [Int: [Double]] = [:]
        var longEnd: [Double]? = nil
        var shutEntry: [Double]? = nil
        func isLongShut(_ level: Int, _ d: Double) -> Bool { level == 0 && tCrit.isFinite && d > tCrit }
        var total = 0.0
        for s in stretches {
            let first = s.levels[0], next = s.levels[1]
            var v: [Double]
            if isLongShut(first, s.durations[0]) {
                if let start = longStart[next] { v = start } else {
                    if shutEntry == nil { shutEntry = try theory.entryDistributions()[0] }
                    let start = normalised(shutEntry! * theory.handover(from: 0, to: next, longerThan: tCrit), context: "CHS start")
                    longStart[next] = start
                    v = start
                }
            } else {
                let p0: [Double]
                if let p = starts[first] { p0 = p } else { p0 = try theory.equilibriumWithin(level: first); starts[first] = p0 }
                v = theory.handOver(p0, from: first, to: next)
            }
            var logScale = 0.0
            for i in 1..<(s.levels.count - 1) {
                v = step(v, s.levels[i], s.levels[i + 1], s.durations[i])
                // Rescale so long stretches do not underflow.
                let sum = v.reduce(0) { $0 + abs($1) }
                guard sum > 0, sum.isFinite else { return -.infinity }
                logScale += log(sum)
                for k in v.indices { v[k] /= sum }
            }
            let lastIndex = s.levels.count - 1
            var l = v.reduce(0, +)
            if isLongShut(s.levels[lastIndex], s.durations[lastIndex]) {
                // v is over the long shut's states: its end vector H₀ u (to any level).
                if longEnd == nil {
                    var e = [Double](repeating: 0, count: theory.levelStates[0].count)
                    for c in 1..<theory.levelCount {
                        let h = theory.handover(from: 0, to: c, longerThan: tCrit) * [Double](repeating: 1, count: theory.levelStates[c].count)
                        for i in e.indices { e[i] += h[i] }
                    }
                    longEnd = e
                }
                l = dot(v, longEnd!)
            }
            guard l > 0, l.isFinite else { return -.infinity }
            total += logScale + log(l)
        }
        return total
    }
}
