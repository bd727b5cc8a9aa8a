import Foundation
import Idealization
import PatchData

/// One multi-level record (a patch of N channels) prepared for the N-channel likelihood: its
/// resolved dwells cut into stretches of consecutive usable intervals.
///
/// The first and last interval of a stretch are cut short (by the start or end of recording,
/// an unusable interval, or — with a t_crit — a shut interval longer than t_crit, where how
/// many channels are active is unknown): only the level change at their far side counts, not
/// their duration — except that a long shut interval is known to exceed t_crit, which
/// `PatchLikelihood` uses as the CHS vectors do. A long shut interval ends one stretch and
/// starts the next.
public struct PatchRecord: Sendable {
    /// Consecutive usable intervals; `durations[0]` and `durations.last` are not used.
    public struct Stretch: Sendable, Equatable {
        public var levels: [Int]
        public var durations: [Double]
    }

    /// Name for messages (the source file).
    public let name: String
    public let conditions: RecordConditions
    /// The imposed resolution in s.
    public let resolution: Double
    /// Shut intervals longer than this split the record (∞: none do).
    public let tCrit: Double
    /// Channels in the patch.
    public let channels: Int
    /// The resolved dwells (kept for histograms).
    public let dwells: DwellSequence
    /// Stretches with at least one level change.
    public let stretches: [Stretch]
    /// The sampling interval the durations were measured on: the sequence's own, or, for a
    /// dwell list that does not say, the common step of its durations when they all are whole
    /// multiples of one (an idealised record); nil for continuous (simulated) durations.
    public let sampleInterval: Double?

    /// Imposes `resolution` (unless already imposed) and cuts the stretches.
    /// - Throws: `invalidArgument` for a bad resolution or t_crit < resolution;
    ///   `levelAboveChannels` for an interval at a level above `channels` (a mislabelled
    ///   record or the wrong channel count); `noOpenings` when no level change to an opening remains.
    public init(_ sequence: DwellSequence, conditions: RecordConditions, resolution: Double, tCrit: Double = .infinity,
                channels: Int, name: String? = nil) throws {
        guard resolution.isFinite, resolution > 0 else {
            throw GatingModelsError.invalidArgument(name: "resolution", reason: "\(resolution) s must be finite and > 0")
        }
        guard tCrit >= resolution, !tCrit.isNaN else {
            throw GatingModelsError.invalidArgument(name: "tcrit", reason: "\(tCrit) s must be ≥ the resolution")
        }
        guard channels >= 1 else { throw GatingModelsError.invalidArgument(name: "channels", reason: "\(channels): need ≥ 1") }
        let label = name ?? (sequence.provenance.file.isEmpty ? "record" : sequence.provenance.file)
        try Self.checkLevels(sequence, channels: channels, record: label)
        self.name = label
        self.conditions = conditions
        self.resolution = resolution
        self.tCrit = tCrit
        self.channels = channels
        let resolved = sequence.resolution == resolution ? sequence : try ResolutionImposition.impose(sequence, resolution: resolution)
        dwells = resolved
        sampleInterval = resolved.measuredSampleInterval
        var stretches: [Stretch] = []
        for range in resolved.segmentRanges {
            var current = Stretch(levels: [], durations: [])
            func close() {
                if current.levels.count >= 2 { stretches.append(current) }
                current = Stretch(levels: [], durations: [])
            }
            for i in range {
                let d = resolved.dwells[i]
                if d.flags.contains(.unusable) || !d.duration.isFinite { close(); continue }
                if current.levels.last == d.level {
                    current.durations[current.durations.count - 1] += d.duration   // one apparent dwell
                } else {
                    current.levels.append(d.level)
                    current.durations.append(d.duration)
                }
                let last = current.durations[current.durations.count - 1]
                if !d.isOpen && last > tCrit {
                    close()
                    current = Stretch(levels: [d.level], durations: [last])
                }
            }
            close()
        }
        guard stretches.contains(where: { $0.levels.contains { $0 > 0 } }) else {
            throw GatingModelsError.noOpenings(record: label)
        }
        self.stretches = stretches
    }

    /// Throws `levelAboveChannels` for the first interval whose level a patch of `channels`
    /// cannot show.
    public static func checkLevels(_ sequence: DwellSequence, channels: Int, record: String) throws {
        if let i = sequence.dwells.firstIndex(where: { $0.level > channels || $0.level < 0 }) {
            throw GatingModelsError.levelAboveChannels(record: record, interval: i, level: sequence.dwells[i].level, channels: channels)
        }
    }

    /// Level changes the likelihood uses.
    public var transitionCount: Int { stretches.reduce(0) { $0 + $1.levels.count - 1 } }
}
