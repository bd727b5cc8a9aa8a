import Foundation
import PatchData
import StochasticKinetics

/// An observed dwell-time histogram (log-spaced bins, square-root counts) beside the model's
/// prediction, with the ideal and the missed-event-corrected pdf drawn over it
/// (REFERENCE.md §3; ARCHITECTURE.md §4). Reports draw this; they compute nothing.
public struct HistogramComparison: Sendable, Codable, Equatable {
    /// E.g. "CH82.scn open", "CH82.scn shut", "A-10.scn open class 2".
    public var name: String
    /// "open" or "shut".
    public var kind: String
    /// Number of dwells in the histogram.
    public var count: Int
    /// Bin edges in seconds (log-spaced, ratio `binRatio`); one more than the bins.
    public var binEdges: [Double]
    /// Bin ratio dx (edges[k+1] / edges[k]).
    public var binRatio: Double
    /// Observed counts per bin.
    public var observedCounts: [Int]
    /// Predicted counts per bin: N ∫_bin f_apparent(t) dt.
    public var predictedCounts: [Double]
    /// R² between sqrt(observed) and sqrt(predicted) counts; nil with fewer than 3 bins or no
    /// variation in the observed counts.
    public var r2: Double?
    /// The R² expected if the prediction were exact (mean over histograms of as many dwells drawn
    /// from it): what a perfect model scores on this many dwells — R² near it means the misfit is
    /// counting noise, R² well below it a model (or idealisation) shortfall.
    public var r2Ceiling: Double?
    /// Times (s) at which the pdf curves are tabulated (log-spaced over the bins).
    public var curveTimes: [Double]
    /// sqrt(N' log10(dx) ln10 t f_ideal(t)), N' = N / (ideal fraction of dwells ≥ t_res).
    public var idealCurve: [Double]
    /// sqrt(N log10(dx) ln10 t f_apparent(t)): the exact HJC density scaled to the histogram
    /// (N divided by the probability of the compared range when it has an upper limit).
    public var apparentCurve: [Double]

    /// Bins per decade by the field's rule of thumb: 5, 8, 10, 12 for n ≤ 300, ≤ 1000, ≤ 3000, more.
    public static func binsPerDecade(count n: Int) -> Int {
        n <= 300 ? 5 : n <= 1000 ? 8 : n <= 3000 ? 10 : 12
    }

    /// Builds the comparison for `durations` (s, all ≥ t_res) against an apparent density and
    /// an ideal pdf. With an `upperLimit` (t_crit for shut times of a fit that left the longer
    /// ones out) only durations up to it are compared, against the densities conditioned on
    /// t_res ≤ t ≤ limit — R² then measures the fit on what it fitted. Nil for an empty list.
    public static func make(name: String, kind: String, durations: [Double], resolution tRes: Double,
                            apparentDensity: (Double) -> Double, ideal: ExponentialMixture,
                            upperLimit: Double? = nil) -> HistogramComparison? {
        let limit = upperLimit ?? .infinity
        let data = durations.filter { $0.isFinite && $0 > 0 && $0 <= limit }
        guard !data.isEmpty else { return nil }
        let (edges, dx) = logBinEdges(data, resolution: tRes)
        let counts = binCounts(data, edges: edges)
        // Probability of t_res ≤ t ≤ limit under the apparent density (1 without a limit).
        var mass = 1.0
        if limit.isFinite {
            mass = 0
            var a = tRes
            while a < limit { let b = min(a * 1.5, limit); mass += integrate(apparentDensity, a, b); a = b }
        }
        let n = Double(data.count) / max(mass, 1e-300)
        let predicted = (0..<counts.count).map { k in
            edges[k] < limit ? n * integrate(apparentDensity, edges[k], min(edges[k + 1], limit)) : 0
        }
        let times = curveTimes(edges)
        let scale = log10(dx) * log(10.0)
        let idealWindow = ideal.survivor(tRes) - (limit.isFinite ? ideal.survivor(limit) : 0)
        let nIdeal = idealWindow > 0 ? Double(data.count) / idealWindow : n
        func curve(_ count: Double, _ f: (Double) -> Double) -> [Double] {
            times.map { t in let v = count * scale * t * f(t); return v.isFinite && v > 0 ? sqrt(v) : 0 }
        }
        return HistogramComparison(name: name, kind: kind, count: data.count, binEdges: edges, binRatio: dx,
                                   observedCounts: counts, predictedCounts: predicted.map { $0.isFinite ? $0 : 0 },
                                   r2: rSquared(observed: counts, predicted: predicted),
                                   r2Ceiling: r2Ceiling(observed: counts, predicted: predicted), curveTimes: times,
                                   idealCurve: curve(nIdeal, ideal.density), apparentCurve: curve(n, apparentDensity))
    }

    // MARK: - Shared pieces

    /// Log-spaced bin edges from min(t_res, shortest) past the longest duration, with the
    /// field's bins per decade; returns the edges and the bin ratio.
    static func logBinEdges(_ data: [Double], resolution tRes: Double) -> (edges: [Double], ratio: Double) {
        let perDecade = Double(binsPerDecade(count: data.count))
        let dx = pow(10, 1 / perDecade)
        let lo = max(min(tRes, data.min() ?? tRes), 1e-12)
        let maxT = data.max() ?? lo
        var edges = [lo]
        while edges.last! <= maxT { edges.append(edges.last! * dx) }
        return (edges, dx)
    }

    /// Counts per bin (durations outside the edges go to the end bins).
    static func binCounts(_ data: [Double], edges: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: edges.count - 1)
        let logLo = log(edges[0]), logDx = log(edges[1] / edges[0])
        for t in data {
            var k = Int((log(t) - logLo) / logDx)
            k = min(max(k, 0), counts.count - 1)
            if t < edges[k] && k > 0 { k -= 1 } else if t >= edges[k + 1] && k + 1 < counts.count { k += 1 }
            counts[k] += 1
        }
        return counts
    }

    /// R² between √observed and √predicted counts (nil for fewer than 3 bins or no spread).
    static func rSquared(observed counts: [Int], predicted: [Double]) -> Double? {
        let obs = counts.map { sqrt(Double($0)) }, pred = predicted.map { sqrt(max($0, 0)) }
        guard obs.count >= 3 else { return nil }
        let mean = obs.reduce(0, +) / Double(obs.count)
        let ssTot = obs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let ssRes = zip(obs, pred).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return ssTot > 0 && ssRes.isFinite ? 1 - ssRes / ssTot : nil
    }

    /// The mean R² of 200 histograms of as many dwells as observed, drawn into the bins with
    /// the predicted probabilities (multinomial; fixed seed, so the same histogram always gets
    /// the same ceiling); nil where R² is.
    static func r2Ceiling(observed counts: [Int], predicted: [Double]) -> Double? {
        guard rSquared(observed: counts, predicted: predicted) != nil else { return nil }
        let total = predicted.reduce(0) { $0 + max($1, 0) }
        guard total > 0 else { return nil }
        var cumulative: [Double] = []
        var running = 0.0
        for p in predicted { running += max(p, 0) / total; cumulative.append(running) }
        let n = counts.reduce(0, +)
        var draw = RandomStream(seed: 0x5EED_C01, stream: UInt64(counts.count))
        var sum = 0.0, used = 0
        for _ in 0..<200 {
            var simulated = [Int](repeating: 0, count: counts.count)
            for _ in 0..<n {
                let u = draw.uniform() * running
                var lo = 0, hi = cumulative.count - 1
                while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] > u { hi = mid } else { lo = mid + 1 } }
                simulated[lo] += 1
            }
            if let r = rSquared(observed: simulated, predicted: predicted) { sum += r; used += 1 }
        }
        return used > 0 ? sum / Double(used) : nil
    }

    /// 200 log-spaced times across the bins, where the curves are tabulated.
    static func curveTimes(_ edges: [Double]) -> [Double] {
        let points = 200, lo = edges[0], hi = edges[edges.count - 1]
        return (0..<points).map { lo * pow(hi / lo, Double($0) / Double(points - 1)) }
    }

    /// ∫_a^b f by 24-point Gauss–Legendre in log t (bins are narrow: ratio ≤ 1.6).
    static func integrate(_ f: (Double) -> Double, _ a: Double, _ b: Double) -> Double {
        let (x, w) = legendreNodes
        let la = log(a), lb = log(b)
        var s = 0.0
        for k in x.indices {
            let u = la + 0.5 * (lb - la) * (x[k] + 1)
            let t = exp(u)
            s += w[k] * f(t) * t
        }
        return 0.5 * (lb - la) * s
    }
}

extension HistogramComparison {
    /// Open and shut histograms of a record under a scheme: all openings pooled, all shut
    /// periods, and — when the scheme has several open classes and the record several levels —
    /// one per open class (sojourns in that class; every other state counts as "not it").
    public static func comparisons(for record: LikelihoodRecord, scheme: GatingScheme) throws -> [HistogramComparison] {
        let q = try scheme.qMatrix(record.conditions)
        let theory = try MissedEventsTheory(q, resolution: record.resolution)
        let label = URL(fileURLWithPath: record.name).lastPathComponent
        // Apparent open periods: consecutive resolved openings of any level merge.
        var openPeriods: [Double] = [], shutPeriods: [Double] = []
        for range in record.dwells.segmentRanges {
            var run = 0.0
            for i in range {
                let d = record.dwells.dwells[i]
                if d.flags.contains(.unusable) { run = 0; continue }
                if d.isOpen { run += d.duration } else {
                    if run > 0 { openPeriods.append(run); run = 0 }
                    shutPeriods.append(d.duration)
                }
            }
            if run > 0 { openPeriods.append(run) }
        }
        var out: [HistogramComparison] = []
        if let h = make(name: "\(label) open", kind: "open", durations: openPeriods, resolution: record.resolution,
                        apparentDensity: theory.apparentOpenDensity, ideal: try q.idealOpenTimePDF()) { out.append(h) }
        // Shut times beyond t_crit were not fitted (CHS): compare up to t_crit.
        if let h = make(name: "\(label) shut", kind: "shut", durations: shutPeriods, resolution: record.resolution,
                        apparentDensity: theory.apparentShutDensity, ideal: try q.idealShutTimePDF(),
                        upperLimit: record.tCrit.isFinite ? record.tCrit : nil) { out.append(h) }
        let classes = Set(scheme.states.map(\.conductanceClass).filter { $0 > 0 })
        let levels = Set(record.dwells.dwells.filter(\.isOpen).map(\.level))
        if classes.count > 1 && levels.count > 1 {
            for k in classes.sorted() where levels.contains(k) {
                let qk = try QMatrix(q.matrix, conductanceClasses: q.conductanceClasses.map { $0 == k ? 1 : 0 })
                let tk = try MissedEventsTheory(qk, resolution: record.resolution)
                let durations = record.dwells.dwells.filter { $0.level == k && !$0.flags.contains(.unusable) }.map(\.duration)
                if let h = make(name: "\(label) open class \(k)", kind: "open", durations: durations, resolution: record.resolution,
                                apparentDensity: tk.apparentOpenDensity, ideal: try qk.idealOpenTimePDF()) { out.append(h) }
            }
        }
        return out
    }
}
