import Foundation

/// A sampled current (or voltage) record: one or more channels, each split into sweeps.
///
/// Samples are stored as `Float` in physical units (gain and offset already applied);
/// the engine widens to `Double` where it computes. Every channel has the same number of
/// sweeps; within a sweep, all channels have the same number of samples.
public struct Recording: Sendable, Equatable {
    /// The channels in acquisition order.
    public var channels: [RecordingChannel]
    /// Time between consecutive samples of one channel, in seconds. Always finite and > 0.
    public var sampleInterval: Double
    /// Start time of each sweep relative to the start of the recording, in seconds.
    /// Gap-free recordings have one sweep starting at 0.
    public var sweepStartTimes: [Double]
    /// Where the samples came from.
    public var provenance: Provenance

    public init(channels: [RecordingChannel], sampleInterval: Double,
                sweepStartTimes: [Double]? = nil, provenance: Provenance) {
        self.channels = channels
        self.sampleInterval = sampleInterval
        let sweeps = channels.first?.sweeps.count ?? 0
        self.sweepStartTimes = sweepStartTimes ?? (0..<sweeps).map { _ in 0 }
        self.provenance = provenance
    }

    /// Samples per second of one channel.
    public var sampleRate: Double { 1 / sampleInterval }
    /// Number of sweeps (episodes); 1 for gap-free data, 0 for an empty recording.
    public var sweepCount: Int { channels.first?.sweeps.count ?? 0 }
    /// Samples in each sweep of the first channel.
    public var samplesPerSweep: [Int] { channels.first?.sweeps.map(\.count) ?? [] }
    /// Total sampled time over all sweeps, in seconds (gaps between sweeps excluded).
    public var duration: Double { Double(samplesPerSweep.reduce(0, +)) * sampleInterval }

    /// The index of the first channel whose name or units match, case-insensitively.
    public func channelIndex(named name: String) -> Int? {
        channels.firstIndex { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }
}

/// One acquisition channel of a `Recording`.
public struct RecordingChannel: Sendable, Equatable {
    /// The channel's name as the file gives it (e.g. "IN 0", "Im_primary").
    public var name: String
    /// Physical units of the samples (e.g. "pA", "mV", "A").
    public var units: String
    /// Samples per sweep, in `units`.
    public var sweeps: [[Float]]

    public init(name: String, units: String, sweeps: [[Float]]) {
        self.name = name
        self.units = units
        self.sweeps = sweeps
    }

    /// All sweeps concatenated: convenient for gap-free data.
    public var concatenated: [Float] { sweeps.count == 1 ? sweeps[0] : Array(sweeps.joined()) }
}

/// The origin of a record or dwell list: which file, which format, and the header fields
/// the reader found (kept as text so that nothing a lab might need is lost).
public struct Provenance: Sendable, Equatable, Codable {
    /// Path of the source file as given to the reader ("" for generated data).
    public var file: String
    /// The detected format.
    public var format: FileFormat
    /// The format's own version string, e.g. "2.9.0.0" for ABF or "104" for SCAN.
    public var formatVersion: String
    /// Header fields as `name → value` text, in no particular order.
    public var metadata: [String: String]

    public init(file: String, format: FileFormat, formatVersion: String = "", metadata: [String: String] = [:]) {
        self.file = file
        self.format = format
        self.formatVersion = formatVersion
        self.metadata = metadata
    }
}
