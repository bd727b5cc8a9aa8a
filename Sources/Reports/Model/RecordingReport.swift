import Foundation

/// Everything one recording's report shows, as ready-made numbers.
///
/// The Pipeline fills this from the stages' results; Reports only draws it. Every section is
/// optional: a section left `nil` (or an empty list) is rendered as a heading with a short
/// "not part of this run" line, so a failed or partial run still gives a readable page.
/// Non-finite numbers are allowed anywhere; they are drawn as "—" and skipped in charts.
public struct RecordingReport: Codable, Sendable, Equatable {
    /// Page title, e.g. the recording's file name.
    public var title: String
    /// The input file and its SHA-256 (computed by the caller).
    public var input: InputFile
    /// The settings that make the run reproducible, in the order the caller wants them shown.
    public var settings: [Setting]
    /// Whether the recording was processed to the end.
    public var status: RecordingStatus
    /// Optional generation stamp (free text, e.g. a date); omitted from the page when nil so
    /// that output stays byte-identical across runs unless the caller asks otherwise.
    public var generated: String?
    /// Observed open probability of the idealised record, if computed (shown in the summary
    /// and the batch index).
    public var popen: Double?

    // MARK: - Sections

    public var trace: TraceExcerpt?
    public var amplitudeHistogram: AmplitudeHistogram?
    /// Open and shut dwell-time histograms, one per conductance class; empty = none.
    public var dwellHistograms: [DwellHistogram]
    public var scheme: SchemeDiagram?
    /// Fitted rate constants; empty = no fit.
    public var rates: [RateRow]
    public var fitQuality: FitQuality?
    public var lossCurve: LossCurve?
    /// Truth-vs-fit rows of a synthetic run; empty for lab data.
    public var truthComparison: [TruthRow]
    /// Warnings and notes from any stage, shown in order.
    public var notes: [ReportNote]

    public init(title: String, input: InputFile, settings: [Setting] = [], status: RecordingStatus = .ok,
                generated: String? = nil, popen: Double? = nil, trace: TraceExcerpt? = nil, amplitudeHistogram: AmplitudeHistogram? = nil,
                dwellHistograms: [DwellHistogram] = [], scheme: SchemeDiagram? = nil, rates: [RateRow] = [],
                fitQuality: FitQuality? = nil, lossCurve: LossCurve? = nil, truthComparison: [TruthRow] = [],
                notes: [ReportNote] = []) {
        self.title = title
        self.input = input
        self.settings = settings
        self.status = status
        self.generated = generated
        self.popen = popen
        self.trace = trace
        self.amplitudeHistogram = amplitudeHistogram
        self.dwellHistograms = dwellHistograms
        self.scheme = scheme
        self.rates = rates
        self.fitQuality = fitQuality
        self.lossCurve = lossCurve
        self.truthComparison = truthComparison
        self.notes = notes
    }
}

// MARK: - Header parts

/// The file a report describes.
public struct InputFile: Codable, Sendable, Equatable {
    /// Path as the user gave it (shown verbatim).
    public var path: String
    /// Lower-case hex SHA-256 of the file's bytes; empty if unknown.
    public var sha256: String
    /// Size in bytes, if known.
    public var bytes: Int?

    public init(path: String, sha256: String, bytes: Int? = nil) {
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
    }
}

/// One setting shown in the reproducibility table (kept as text: the caller formats it).
public struct Setting: Codable, Sendable, Equatable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// Outcome of processing one recording.
public struct RecordingStatus: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable { case ok, failed }
    public var outcome: Outcome
    /// Why it failed (or a short remark when ok); empty when there is nothing to say.
    public var message: String

    public init(_ outcome: Outcome, message: String = "") {
        self.outcome = outcome
        self.message = message
    }

    public static let ok = RecordingStatus(.ok)
    public static func failed(_ message: String) -> RecordingStatus { RecordingStatus(.failed, message: message) }
}

/// A warning or note shown at the end of the report.
public struct ReportNote: Codable, Sendable, Equatable {
    public enum Level: String, Codable, Sendable { case info, warning }
    public var level: Level
    public var text: String

    public init(_ level: Level, _ text: String) {
        self.level = level
        self.text = text
    }
}
