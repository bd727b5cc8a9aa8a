import Foundation
import PatchData

extension DwellSequence {
    /// The step the durations were measured in: the sequence's sample interval when every
    /// duration is a whole number of them, or, for a dwell list that does not say, the common
    /// step of its durations when there is one (an idealised record); nil for continuous
    /// durations (simulated, time-course fitted, or transitions timed between samples).
    public var measuredSampleInterval: Double? {
        let durations = dwells.map(\.duration)
        if let sampleInterval { return Self.allWholeMultiples(durations, of: sampleInterval) ? sampleInterval : nil }
        return Self.durationStep(durations)
    }

    /// Whether every duration is a whole multiple of `step` (to 1e-6 of it).
    static func allWholeMultiples(_ durations: [Double], of step: Double) -> Bool {
        step > 0 && durations.allSatisfy { d in
            let k = (d / step).rounded()
            return abs(d - k * step) <= 1e-6 * step + 1e-12 * d
        }
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
        return allWholeMultiples(durations, of: step) ? step : nil
    }
}
