import Foundation

/// What `patchfit inspect` reports about one file: a stable, machine-readable summary.
///
/// JSON keys are snake_case and stable across releases; fields that do not apply to a file's
/// kind (samples for a dwell list, intervals for a trace) are omitted, and a file that could
/// not be read carries only `file` and `error`.
public struct FileSummary: Codable, Sendable, Equatable {
    public struct Channel: Codable, Sendable, Equatable {
        public var name: String
        public var units: String
        /// First sample of sweep 0, in `units` (nil if the sweep is empty).
        public var firstSample: Double?

        enum CodingKeys: String, CodingKey {
            case name, units
            case firstSample = "first_sample"
        }
    }

    public var file: String
    public var format: String?
    public var version: String?
    public var channels: [Channel]?
    public var sweeps: Int?
    public var samplesPerSweep: Int?
    public var sampleRateHz: Double?
    public var durationS: Double?
    public var intervals: Int?
    public var openings: Int?
    public var segments: Int?
    public var totalDurationS: Double?
    public var resolutionS: Double?
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case file, format, version, channels, sweeps, intervals, openings, segments, error
        case samplesPerSweep = "samples_per_sweep", sampleRateHz = "sample_rate_hz", durationS = "duration_s"
        case totalDurationS = "total_duration_s", resolutionS = "resolution_s"
    }

    /// Summarises already-read contents.
    public init(file: String, contents: PatchFileContents) {
        self.file = file
        let p = contents.provenance
        format = p.format.rawValue
        version = p.formatVersion
        switch contents {
        case .recording(let r):
            channels = r.channels.map { Channel(name: $0.name, units: $0.units, firstSample: $0.sweeps.first?.first.map(Double.init)) }
            sweeps = r.sweepCount
            samplesPerSweep = r.samplesPerSweep.first
            sampleRateHz = r.sampleRate
            durationS = r.duration
        case .dwells(let d):
            intervals = d.count
            openings = d.openingCount
            segments = d.segmentStarts.count
            totalDurationS = d.totalDuration
            resolutionS = d.resolution
        }
    }

    /// Reads and summarises `path`; a read failure becomes a summary carrying the error.
    public init(path: String, options: ReadOptions = ReadOptions()) {
        switch Result(catching: { () throws(PatchDataError) in try PatchFileReader.read(path, options: options) }) {
        case .success(let contents): self.init(file: path, contents: contents)
        case .failure(let error): self.init(file: path, error: error.detail)   // `file` already names it
        }
    }

    /// A summary of a file that could not be read.
    public init(file: String, error: String) {
        self.file = file
        self.error = error
    }

    /// Human-readable lines for a terminal.
    public var text: String {
        if let error { return "\(file): error: \(error)" }
        var lines = ["\(file)", "  format: \(format ?? "?") \(version ?? "")"]
        if let channels {
            let rate = sampleRateHz.map { String(format: "%.6g Hz", $0) } ?? "?"
            lines.append("  sweeps: \(sweeps ?? 0), samples per sweep: \(samplesPerSweep ?? 0), rate: \(rate), duration: \(String(format: "%.6g", durationS ?? 0)) s")
            for (i, c) in channels.enumerated() {
                let first = c.firstSample.map { String(format: "%.6g", $0) } ?? "—"
                lines.append("  channel \(i): \(c.name) [\(c.units)] first sample \(first)")
            }
        }
        if let intervals {
            let res = resolutionS.map { String(format: "%.6g s", $0) } ?? "not imposed"
            lines.append("  intervals: \(intervals), openings: \(openings ?? 0), segments: \(segments ?? 0), total duration: \(String(format: "%.6g", totalDurationS ?? 0)) s, resolution: \(res)")
        }
        return lines.joined(separator: "\n")
    }
}
