import Foundation
import PatchData

extension DwellSequence {
    /// The sampling interval the durations were measured on: the sequence's own, or, for a
    /// dwell list that does not say, the common step of its durations when they all are whole
    /// multiples of one (an idealised record); nil for continuous (simulated, or time-course
    /// fitted) durations.
    public var measuredSampleInterval: Double? {
        sampleInterval ?? Self.durationStep(dwells.map(\.duration))
    }

    /// The step Δ of which every duration is a whole multiple (to 1e-6 of Δ), found as the
    /// smallest gap between distinct durations; nil when there is none (continuous durations).
    static func durationStep(_ durations: [Double]) -> Double? {
        let distinct = Array(Set(durations.filter { $0 > 0 })).sorted()
        guard distinct.count >= 3 else { return nil }
        let gaps = zip(distinct.dropFirst(), distinct).map { $0 - $1 }
        let scale = distinct.last ?? 1
        // Gaps below 1e-9 of the longest duration are the rounding of one value, not steps.
        guard let step = gaps.filter({ $0 > 1e-9 * scale }).min(), step > 0 else { return nil }
        let whole = durations.allSatisfy { d in
            let k = (d / step).rounded()
            return abs(d - k * step) <= 1e-6 * step + 1e-12 * d
        }
        return whole ? step : nil
    }
}
