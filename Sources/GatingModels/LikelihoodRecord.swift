import Idealization
import PatchData

/// One record prepared for the exact likelihood: its resolved dwells cut into groups of
/// openings (bursts) at shut times longer than t_crit, at segment boundaries and at unusable
/// intervals (CHS 1996; as HJCFIT does).
public struct LikelihoodRecord: Sendable {
    /// How the interval before or after a group is known.
    public enum Boundary: Sendable, Equatable {
        /// A shut time longer than t_crit: CHS start/end vectors.
        case longShutting
        /// Unknown (segment edge or unusable interval): equilibrium φ_A at the start,
        /// u_F (any shut time ≥ t_res) at the end.
        case unknown
    }

    /// A group: alternating apparent open and shut durations, starting and ending open.
    public struct Group: Sendable, Equatable {
        public var durations: [Double]
        public var start: Boundary
        public var end: Boundary
    }

    /// Name for messages (the source file).
    public let name: String
    /// Concentration and voltage of the record.
    public let conditions: RecordConditions
    /// The imposed resolution in s.
    public let resolution: Double
    /// t_crit in s (∞ = one group per stretch between unusable intervals / segment edges).
    public let tCrit: Double
    /// The resolved dwells (kept for histograms).
    public let dwells: DwellSequence
    /// The groups of openings.
    public let groups: [Group]

    /// Prepares a record: imposes `resolution` with Idealization's `ResolutionImposition`
    /// (unless the sequence already has exactly that resolution imposed) and splits it into groups.
    /// - Throws: `invalidArgument` for a bad resolution or t_crit < resolution;
    ///   `noOpenings` when no group with an opening remains.
    public init(_ sequence: DwellSequence, conditions: RecordConditions, resolution: Double,
                tCrit: Double = .infinity, name: String? = nil) throws {
        guard resolution.isFinite, resolution > 0 else {
            throw GatingModelsError.invalidArgument(name: "resolution", reason: "\(resolution) s must be finite and > 0")
        }
        guard tCrit >= resolution, !tCrit.isNaN else {
            throw GatingModelsError.invalidArgument(name: "tcrit", reason: "\(tCrit) s must be ≥ the resolution")
        }
        self.name = name ?? (sequence.provenance.file.isEmpty ? "record" : sequence.provenance.file)
        self.conditions = conditions
        self.resolution = resolution
        self.tCrit = tCrit
        let resolved = sequence.resolution == resolution ? sequence : try ResolutionImposition.impose(sequence, resolution: resolution)
        self.dwells = resolved
        var groups: [Group] = []
        for range in resolved.segmentRanges {
            var current: [Double] = []
            var start = Boundary.unknown
            var lastWasOpen = false
            func close(_ end: Boundary) {
                // Drop a trailing shut time: the group ends at its last opening.
                if !current.isEmpty && !lastWasOpen { current.removeLast() }
                if !current.isEmpty { groups.append(Group(durations: current, start: start, end: end)) }
                current = []
            }
            for i in range {
                let d = resolved.dwells[i]
                if d.flags.contains(.unusable) || !(d.duration.isFinite) {
                    close(.unknown); start = .unknown; lastWasOpen = false
                    continue
                }
                if d.isOpen {
                    if lastWasOpen, !current.isEmpty {
                        current[current.count - 1] += d.duration   // open period across levels
                    } else {
                        current.append(d.duration)
                    }
                    lastWasOpen = true
                } else if current.isEmpty {
                    start = d.duration >= tCrit ? .longShutting : .unknown
                    lastWasOpen = false
                } else if d.duration >= tCrit {
                    close(.longShutting); start = .longShutting; lastWasOpen = false
                } else {
                    current.append(d.duration)
                    lastWasOpen = false
                }
            }
            close(.unknown)
        }
        guard !groups.isEmpty else { throw GatingModelsError.noOpenings(record: self.name) }
        self.groups = groups
    }

    /// Number of apparent openings used by the likelihood.
    public var openingCount: Int { groups.reduce(0) { $0 + ($1.durations.count + 1) / 2 } }
}
