import Foundation

/// The table of a batch run: one row per recording, and the files that failed and why.
public struct BatchIndex: Codable, Sendable, Equatable {
    public var title: String
    public var recordings: [BatchRow]
    /// Files that could not be processed (also listed as failed rows, if the caller wants).
    public var failures: [BatchFailure]
    /// Settings shared by the whole batch (pipeline file, code version, …).
    public var settings: [Setting]
    /// Optional generation stamp (free text); omitted when nil.
    public var generated: String?

    public init(title: String, recordings: [BatchRow], failures: [BatchFailure] = [],
                settings: [Setting] = [], generated: String? = nil) {
        self.title = title
        self.recordings = recordings
        self.failures = failures
        self.settings = settings
        self.generated = generated
    }
}

/// One recording of a batch.
public struct BatchRow: Codable, Sendable, Equatable {
    public var name: String
    public var status: RecordingStatus.Outcome
    public var popen: Double?
    /// The lowest R² over the recording's dwell histograms.
    public var worstRSquared: Double?
    /// Path of the recording's report folder, relative to the batch index (link target);
    /// nil when there is no report.
    public var reportFolder: String?

    public init(name: String, status: RecordingStatus.Outcome, popen: Double? = nil,
                worstRSquared: Double? = nil, reportFolder: String? = nil) {
        self.name = name
        self.status = status
        self.popen = popen
        self.worstRSquared = worstRSquared
        self.reportFolder = reportFolder
    }
}

/// A file the batch could not process.
public struct BatchFailure: Codable, Sendable, Equatable {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }
}

extension BatchRow {
    /// The row for a finished report: its status and Popen, and the lowest R² found in the
    /// dwell histograms or the fit-quality table (non-finite R² values are ignored).
    public init(report: RecordingReport, name: String, reportFolder: String?) {
        let r2 = report.dwellHistograms.compactMap(\.rSquared) + (report.fitQuality?.rSquared.map(\.value) ?? [])
        self.init(name: name, status: report.status.outcome, popen: report.popen,
                  worstRSquared: r2.filter(\.isFinite).min(), reportFolder: reportFolder)
    }
}
