import Foundation

/// Estimates of a slowly drifting baseline (closed level) over time.
///
/// Two estimators, for two kinds of record:
/// - `runningPercentile`: a low percentile of the current in overlapping windows, joined by
///   linear interpolation and smoothed — the closed level of a record that is mostly shut
///   (openings upward from the baseline use a low percentile, downward ones a high one).
/// - `smoothResidual`: the Gaussian low-pass of (record − idealised levels). Once a record has
///   been idealised, the residual holds noise plus whatever drift moved *every* level, so its
///   slow part is the drift even when the closed level itself is seldom visited (records of
///   many channels with a high open probability). Idealization iterates this with SKM.
public enum BaselineDrift {
    /// The per-sample baseline from a running percentile.
    /// - Parameters:
    ///   - window: window length in seconds (should span several closed periods).
    ///   - percentile: in 0…100 (e.g. 10 for upward openings).
    /// - Throws: `SignalProcessingError` for empty/non-finite records or bad settings.
    public static func runningPercentile(_ samples: [Double], sampleInterval: Double,
                                         window: Double, percentile: Double) throws -> [Double] {
        try SignalProcessingError.check(samples, sampleInterval: sampleInterval)
        guard window.isFinite, window > 0, percentile >= 0, percentile <= 100 else {
            throw SignalProcessingError.invalidSetting("running percentile needs window > 0 s and percentile in 0…100")
        }
        let n = samples.count
        let w = max(16, min(n, Int((window / sampleInterval).rounded())))
        let hop = max(1, w / 2)
        var centres: [Double] = [], values: [Double] = []
        var start = 0
        var scratch = [Double](repeating: 0, count: w)
        while true {
            let end = min(n, start + w)
            let m = end - start
            for i in 0..<m { scratch[i] = samples[start + i] }
            scratch[0..<m].sort()
            let rank = min(m - 1, Int((percentile / 100 * Double(m - 1)).rounded()))
            centres.append(Double(start + end - 1) / 2)
            values.append(scratch[rank])
            if end == n { break }
            start += hop
        }
        // Linear interpolation between window centres, flat beyond the first/last centre.
        var base = [Double](repeating: values[0], count: n)
        var j = 0
        for i in 0..<n {
            let t = Double(i)
            while j + 1 < centres.count && centres[j + 1] <= t { j += 1 }
            if j + 1 < centres.count && t >= centres[j] {
                let u = (t - centres[j]) / (centres[j + 1] - centres[j])
                base[i] = values[j] + u * (values[j + 1] - values[j])
            } else {
                base[i] = t < centres[0] ? values[0] : values[values.count - 1]
            }
        }
        return base
    }

    /// The slow part of a residual (record minus fitted levels): its Gaussian low-pass at `cutoff` Hz.
    /// - Throws: `SignalProcessingError` for empty/non-finite input or a bad cut-off.
    public static func smoothResidual(_ residual: [Double], sampleInterval: Double,
                                      cutoff: Double) throws -> [Double] {
        try GaussianFilter(cutoff: cutoff).apply(residual, sampleInterval: sampleInterval)
    }
}
