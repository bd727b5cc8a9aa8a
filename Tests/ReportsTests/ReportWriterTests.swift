import Foundation
import PatchData
import Reports
import XCTest

final class ReportWriterTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("reports-writer-\(getpid())-\(name.hashValue)")
        try? FileManager.default.removeItem(at: folder)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func read(_ name: String, in sub: String = "") throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(sub).appendingPathComponent(name))
    }

    func testWritesTheFourFilesAndNoTemporaries() throws {
        let written = try ReportWriter.write(RecordingReport.example, to: folder.path)
        XCTAssertEqual(written.map { URL(fileURLWithPath: $0).lastPathComponent }, ReportWriter.recordingFiles)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
                       ReportWriter.recordingFiles.sorted(), "no temporary files may be left behind")
    }

    func testSummaryJSONRoundTripsEvenWithNaN() throws {
        var report = RecordingReport.example
        report.rates[0].sd = .nan
        report.popen = .infinity
        try ReportWriter.write(report, to: folder.path)
        let data = try read("summary.json")
        let decoded = try ReportTables.decoder().decode(RecordingReport.self, from: data)
        XCTAssertTrue(decoded.rates[0].sd?.isNaN ?? false)
        var comparable = decoded
        comparable.rates[0].sd = nil
        report.rates[0].sd = nil
        XCTAssertEqual(comparable, report)
        // Sorted keys: the top level starts with "amplitudeHistogram" and ends with "truthComparison".
        let text = String(decoding: data, as: UTF8.self)
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        XCTAssertEqual(keys, keys.sorted())
        XCTAssertEqual(keys.first, "amplitudeHistogram")
    }

    func testWritingTwiceGivesIdenticalBytes() throws {
        try ReportWriter.write(RecordingReport.example, to: folder.appendingPathComponent("a").path)
        try ReportWriter.write(RecordingReport.example, to: folder.appendingPathComponent("b").path)
        for name in ReportWriter.recordingFiles {
            XCTAssertEqual(try read(name, in: "a"), try read(name, in: "b"), name)
        }
    }

    func testCSVTables() throws {
        let report = RecordingReport.example
        try ReportWriter.write(report, to: folder.path)
        let rates = String(decoding: try read("rates.csv"), as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(rates.first, "name,value,sd,unit,truth,error_percent")
        XCTAssertEqual(rates.count, 1 + report.rates.count)
        XCTAssertTrue(rates[1].hasPrefix("α2,2068,61,s⁻¹,2000,3.4"), String(rates[1]))  // error as the caller computed it, full precision
        let histograms = String(decoding: try read("histograms.csv"), as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(histograms.first, "histogram,kind,class,bin_lower,bin_upper,count,unit")
        XCTAssertEqual(histograms.count, 1 + 100 + 50 + 50)
        XCTAssertTrue(histograms[101].hasPrefix("\"Open times, class 1 (−5.1 pA)\",open,class 1 (−5.1 pA),"))
        XCTAssertEqual(ReportTables.field("a,\"b\""), "\"a,\"\"b\"\"\"")
    }

    func testBatchIndexFiles() throws {
        let written = try ReportWriter.write(BatchIndex.example, to: folder.path)
        XCTAssertEqual(written.count, 2)
        let html = String(decoding: try read("index.html"), as: UTF8.self)
        XCTAssertTrue(html.contains("notes.docx"))
        let decoded = try ReportTables.decoder().decode(BatchIndex.self, from: try read("index.json"))
        XCTAssertEqual(decoded, BatchIndex.example)
    }

    func testUnwritableFolderGivesATypedError() {
        XCTAssertThrowsError(try ReportWriter.write(RecordingReport.example, to: "/proc/no-such/report")) { error in
            XCTAssertEqual((error as? PatchDataError)?.kind, .writeFailed)
        }
    }
}
