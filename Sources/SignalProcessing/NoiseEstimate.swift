import Foundation

/// Noise of the closed (baseline) level.
public enum NoiseEstimate {
    /// RMS deviation from `closedLevel` of the samples within ±`halfWidth` of it — the
    /// closed-level noise once the openings (further than `halfWidth` away) are excluded.
    /// Use half the single-channel amplitude for `halfWidth`. Returns nil if no sample qualifies.
    public static func closedLevelRMS(_ samples: [Double], closedLevel: Double, halfWidth: Double) -> Double? {
        var s = 0.0, n = 0
        for x in samples where abs(x - closedLevel) <= halfWidth {
            s += (x - closedLevel) * (x - closedLevel); n += 1
        }
        return n > 0 ? (s / Double(n)).squareRoot() : nil
    }

    /// Robust standard deviation: 1.4826 × median absolute deviation from the median
    /// (consistent for Gaussian noise, unmoved by a minority of openings). Nil if empty.
    public static func robustSD(_ samples: [Double]) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let median = sorted[sorted.count / 2]
        let dev = sorted.map { abs($0 - median) }.sorted()
        return 1.4826 * dev[dev.count / 2]
    }

    /// Plain RMS about the mean. Nil if empty.
    public static func rms(_ samples: [Double]) -> Double? {
        guard !samples.isEmpty else { return nil }
        let mean = samples.reduce(0, +) / Double(samples.count)
        return (samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count)).squareRoot()
    }
}
