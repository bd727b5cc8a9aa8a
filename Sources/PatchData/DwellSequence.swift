/// An idealised single-channel record: a sequence of intervals (dwells), each at one
/// conductance level, split into segments that are not contiguous in time.
///
/// Level 0 is shut; level k > 0 is the k-th conductance class (or, for a multi-channel
/// patch idealised by counting channels, k channels open).
public struct DwellSequence: Sendable, Equatable {
    /// All intervals of all segments, in time order.
    public var dwells: [Dwell]
    /// Index into `dwells` where each segment starts; always begins with 0 when non-empty.
    /// Intervals across a segment boundary are not contiguous (a gap, a new sweep or file).
    public var segmentStarts: [Int]
    /// The resolution (dead time) imposed on this sequence, in seconds; nil if none was.
    public var resolution: Double?
    /// Sample interval of the record the dwells came from, in seconds, if known.
    public var sampleInterval: Double?
    /// Where the dwells came from.
    public var provenance: Provenance

    public init(dwells: [Dwell], segmentStarts: [Int]? = nil, resolution: Double? = nil,
                sampleInterval: Double? = nil, provenance: Provenance) {
        self.dwells = dwells
        self.segmentStarts = segmentStarts ?? (dwells.isEmpty ? [] : [0])
        self.resolution = resolution
        self.sampleInterval = sampleInterval
        self.provenance = provenance
    }

    /// Number of intervals.
    public var count: Int { dwells.count }
    /// Sum of all durations, in seconds.
    public var totalDuration: Double { dwells.reduce(0) { $0 + $1.duration } }
    /// Number of open intervals (level > 0).
    public var openingCount: Int { dwells.reduce(0) { $0 + ($1.isOpen ? 1 : 0) } }

    /// The intervals of each segment as index ranges into `dwells`.
    public var segmentRanges: [Range<Int>] {
        guard !dwells.isEmpty else { return [] }
        let starts = segmentStarts.isEmpty ? [0] : segmentStarts
        return starts.indices.map { i in
            starts[i] ..< (i + 1 < starts.count ? starts[i + 1] : dwells.count)
        }
    }

    /// The distinct levels present, ascending.
    public var levels: [Int] { Array(Set(dwells.map(\.level))).sorted() }
}

/// One idealised interval.
public struct Dwell: Sendable, Equatable, Hashable {
    /// Conductance level: 0 shut, k > 0 the k-th open class or k open channels.
    public var level: Int
    /// Mean current during the interval, in pA (0 for shut intervals in most files).
    public var amplitude: Double
    /// Duration in seconds.
    public var duration: Double
    /// Quality flags from the idealisation.
    public var flags: DwellFlags

    public init(level: Int, amplitude: Double, duration: Double, flags: DwellFlags = []) {
        self.level = level
        self.amplitude = amplitude
        self.duration = duration
        self.flags = flags
    }

    /// True for any level above 0.
    public var isOpen: Bool { level > 0 }
}

/// Quality flags of an interval, bit-compatible with SCAN's `iprops` byte.
public struct DwellFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The amplitude could not be measured reliably.
    public static let dubiousAmplitude = DwellFlags(rawValue: 1)
    /// The amplitude was fixed by the user during idealisation.
    public static let fixedAmplitude = DwellFlags(rawValue: 2)
    /// The amplitude was constrained (e.g. to the previous one).
    public static let constrainedAmplitude = DwellFlags(rawValue: 4)
    /// The interval must not be used (e.g. a gap in the record); it ends a group of bursts.
    public static let unusable = DwellFlags(rawValue: 8)
}
