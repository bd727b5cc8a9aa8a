import Foundation
import PatchData

/// Writes reports to disk. Every file goes through `AtomicFile.write` (temporary name in the
/// same folder, then rename), so a killed run never leaves a half-written file that looks whole.
public enum ReportWriter {
    /// File names written into a recording's folder, in the order they are written
    /// (index.html last, so its presence means the folder is complete).
    public static let recordingFiles = ["summary.json", "rates.csv", "histograms.csv", "index.html"]

    /// Writes `report` into `folder` (created if needed): summary.json, rates.csv,
    /// histograms.csv and index.html. Returns the paths written.
    /// Throws `PatchDataError` (`.writeFailed`) naming the file that could not be written.
    @discardableResult
    public static func write(_ report: RecordingReport, to folder: String) throws(PatchDataError) -> [String] {
        let json: Data
        do { json = try ReportTables.json(report) } catch {
            throw PatchDataError(.writeFailed, file: path(folder, "summary.json"), reason: "could not encode the report: \(error)")
        }
        let contents: [(String, Data)] = [
            ("summary.json", json),
            ("rates.csv", Data(ReportTables.ratesCSV(report).utf8)),
            ("histograms.csv", Data(ReportTables.histogramsCSV(report).utf8)),
            ("index.html", Data(RecordingPage.html(report).utf8)),
        ]
        var written: [String] = []
        for (name, data) in contents {
            let target = path(folder, name)
            try AtomicFile.write(data, to: target)
            written.append(target)
        }
        return written
    }

    /// Writes the batch `index.html` and `index.json` into `folder`. Returns the paths written.
    @discardableResult
    public static func write(_ index: BatchIndex, to folder: String) throws(PatchDataError) -> [String] {
        let json: Data
        do { json = try ReportTables.json(index) } catch {
            throw PatchDataError(.writeFailed, file: path(folder, "index.json"), reason: "could not encode the index: \(error)")
        }
        let jsonPath = path(folder, "index.json"), htmlPath = path(folder, "index.html")
        try AtomicFile.write(json, to: jsonPath)
        try AtomicFile.write(Data(BatchPage.html(index).utf8), to: htmlPath)
        return [jsonPath, htmlPath]
    }

    static func path(_ folder: String, _ name: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent(name).path
    }
}
