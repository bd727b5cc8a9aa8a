import Foundation
import PatchData

/// The dwells a simulation-based fit compares, chosen by one rule for the data and for the
/// simulated records alike (so that whatever the rule leaves out biases neither side):
/// - resolved intervals only (the caller imposes the resolution on both);
/// - never the first or last interval of a segment or simulated record (both are cut short by
///   the start or end of recording);
/// - never an `unusable` interval;
/// - with a t_crit, shut intervals longer than t_crit are left out of everything: between
///   activations the number of channels in the patch is unknown (the CHS convention).
/// Shut intervals left out for t_crit are still counted (`longShutCount`): how often a
/// shutting ends an activation is what tells the unbinding rates apart, as the CHS vectors do
/// in the likelihood.
/// The open fraction counts open channels: `openWeight` is 1 for any opening of a single
/// channel, or the number of open channels (the level) for a patch of several.
public struct ComparedDwells: Sendable, Equatable {
    /// Durations (s) of the kept intervals by level (0 = shut).
    public var durations: [Int: [Double]] = [:]
    /// Σ openWeight·duration over kept intervals.
    public var weightedOpenTime = 0.0
    /// Σ duration over kept intervals.
    public var totalTime = 0.0
    /// Shut intervals longer than t_crit that the rule would otherwise keep.
    public var longShutCount = 0
    /// Channels in the patch.
    public let channels: Int

    public init(channels: Int) { self.channels = channels }

    /// Open fraction per channel (the Popen estimate the loss matches), 0 when empty.
    public var openFraction: Double { totalTime > 0 ? weightedOpenTime / (Double(channels) * totalTime) : 0 }

    /// Fraction of shut intervals (kept or longer than t_crit) that are longer than t_crit: the
    /// reciprocal of the mean number of shuttings per activation. Nil without any.
    public var burstEndFraction: Double? {
        let shut = longShutCount + (durations[0]?.count ?? 0)
        return shut > 0 && longShutCount > 0 ? Double(longShutCount) / Double(shut) : nil
    }

    /// Number of kept intervals.
    public var count: Int { durations.values.reduce(0) { $0 + $1.count } }

    /// The open-fraction weight of an interval at `level`.
    public static func openWeight(level: Int, channels: Int) -> Double {
        channels == 1 ? (level > 0 ? 1 : 0) : Double(max(level, 0))
    }

    /// Whether interval `i` of a segment `range` is kept under the rule above.
    public static func keeps(_ dwells: [Dwell], _ i: Int, in range: Range<Int>, tCrit: Double?) -> Bool {
        guard i > range.lowerBound, i < range.upperBound - 1 else { return false }
        let d = dwells[i]
        if d.flags.contains(.unusable) { return false }
        if let t = tCrit, !d.isOpen, d.duration > t { return false }
        return d.duration > 0
    }

    /// Whether interval `i` is a shut interval that `keeps` leaves out only for being longer
    /// than t_crit.
    public static func isLongShut(_ dwells: [Dwell], _ i: Int, in range: Range<Int>, tCrit: Double?) -> Bool {
        guard let t = tCrit, i > range.lowerBound, i < range.upperBound - 1 else { return false }
        let d = dwells[i]
        return !d.isOpen && !d.flags.contains(.unusable) && d.duration > t
    }

    /// Adds a kept interval.
    public mutating func add(level: Int, duration: Double) {
        durations[level, default: []].append(duration)
        weightedOpenTime += Self.openWeight(level: level, channels: channels) * duration
        totalTime += duration
    }

    /// The kept intervals of a resolved sequence.
    public static func collect(_ sequence: DwellSequence, tCrit: Double?, channels: Int) -> ComparedDwells {
        var out = ComparedDwells(channels: channels)
        for range in sequence.segmentRanges {
            for i in range {
                if keeps(sequence.dwells, i, in: range, tCrit: tCrit) {
                    out.add(level: sequence.dwells[i].level, duration: sequence.dwells[i].duration)
                } else if isLongShut(sequence.dwells, i, in: range, tCrit: tCrit) {
                    out.longShutCount += 1
                }
            }
        }
        return out
    }
}
