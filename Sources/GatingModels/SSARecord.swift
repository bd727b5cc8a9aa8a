import Foundation
import Idealization
import PatchData

/// One record prepared for the SSA route: its dwells at the fit's resolution and the
/// intervals the loss compares (`ComparedDwells`, the same rule as for simulated records).
public struct SSARecord: Sendable {
    /// File name (for histogram titles and messages).
    public let name: String
    public let conditions: RecordConditions
    /// t_res imposed on data and simulations alike (s).
    public let resolution: Double
    /// Shut intervals longer than this are left out (nil: none).
    public let tCrit: Double?
    /// The record at the fit's resolution.
    public let resolved: DwellSequence
    /// The compared intervals of the data.
    public let observed: ComparedDwells
    /// How simulated records are observed (rendered + idealised like the data); nil = the
    /// resolution is imposed on the simulated levels directly.
    public var observation: SSAObservation?

    /// - Throws: `invalidArgument` for a non-positive resolution or t_crit, `levelAboveChannels`
    ///   for a level a patch of `channels` (> 1) cannot show, `noOpenings` when no opening
    ///   survives the rule (nothing to fit).
    public init(_ sequence: DwellSequence, conditions: RecordConditions, resolution: Double, tCrit: Double?, channels: Int) throws {
        guard resolution.isFinite, resolution > 0 else {
            throw GatingModelsError.invalidArgument(name: "resolution", reason: "\(resolution) s must be finite and > 0")
        }
        if let t = tCrit, !(t > 0) { throw GatingModelsError.invalidArgument(name: "tcrit", reason: "\(t) s must be > 0") }
        name = sequence.provenance.file
        if channels > 1 { try PatchRecord.checkLevels(sequence, channels: channels, record: name) }
        self.conditions = conditions
        self.resolution = resolution
        self.tCrit = tCrit
        resolved = try ResolutionImposition.impose(sequence, resolution: resolution)
        observed = ComparedDwells.collect(resolved, tCrit: tCrit, channels: channels)
        guard observed.durations.contains(where: { $0.key > 0 && !$0.value.isEmpty }) else {
            throw GatingModelsError.noOpenings(record: name)
        }
    }

    /// Time covered by the compared intervals (s).
    public var comparedTime: Double { observed.totalTime }
}
