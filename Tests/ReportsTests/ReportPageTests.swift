import Foundation
import Reports
import XCTest

final class ReportPageTests: XCTestCase {
    // MARK: - Recording page

    func testPageHasEverySectionHeadingAndTheReproducibilityFacts() {
        let report = RecordingReport.example
        let html = RecordingPage.html(report)
        for heading in ["Summary", "Trace excerpt", "Amplitude histogram", "Dwell-time histograms", "Fitted scheme",
                        "Rate constants", "Fit quality", "SSA fit loss", "Truth vs fit", "Warnings and notes",
                        "Settings and reproducibility"] {
            XCTAssertTrue(html.contains("<h2>\(heading)</h2>"), heading)
        }
        XCTAssertTrue(html.contains(report.input.sha256))
        XCTAssertTrue(html.contains("t_res = 40 µs"))
        XCTAssertTrue(html.contains("48213.47"), "log-likelihood")
        XCTAssertTrue(html.contains("<td class=\"num\">0.991</td>"), "R² of the open-time histogram")
        XCTAssertTrue(html.contains("k+2") && html.contains("5.000×10⁸"), "truth column")
        // Self-contained: no script, no external stylesheet or image.
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("<link"))
        XCTAssertFalse(html.contains("src=\"http"))
    }

    func testAnEmptyReportStillHasEveryHeadingAndSaysWhatIsMissing() {
        let report = RecordingReport(title: "broken.abf", input: InputFile(path: "broken.abf", sha256: ""),
                                     status: .failed("truncated: data ends at byte 512"))
        let html = RecordingPage.html(report)
        for heading in RecordingPage.sectionHeadings { XCTAssertTrue(html.contains("<h2>\(heading)</h2>"), heading) }
        XCTAssertTrue(html.contains("status-failed"))
        XCTAssertTrue(html.contains("truncated: data ends at byte 512"))
        XCTAssertTrue(html.contains("No scheme was fitted."))
        XCTAssertTrue(inlineSVGs(in: html).isEmpty)
    }

    func testTextFromTheCallerIsEscaped() {
        var report = RecordingReport.example
        report.title = "a <b> & \"c\""
        report.notes = [ReportNote(.warning, "<script>alert(1)</script>")]
        let html = RecordingPage.html(report)
        XCTAssertTrue(html.contains("a &lt;b&gt; &amp; &quot;c&quot;"))
        XCTAssertFalse(html.contains("<script>"))
    }

    // MARK: - Batch index

    func testBatchIndexListsRecordingsLinksAndFailures() {
        let html = BatchPage.html(.example)
        XCTAssertTrue(html.contains("<h2>Failed files</h2>"))
        XCTAssertTrue(html.contains("notes.docx"))
        XCTAssertTrue(html.contains("unrecognised format: magic bytes 50 4B 03 04"))
        XCTAssertTrue(html.contains("patch-03.abf"))
        XCTAssertTrue(html.contains("<a href=\"patch-01/index.html\">report</a>"))
        XCTAssertTrue(html.contains("0.1423"), "Popen of the example report")
        XCTAssertTrue(html.contains("0.984"), "worst R² of the example report")
        XCTAssertTrue(html.contains("3 recordings: 2 ok, 1 failed. 2 files could not be processed"))
        var clean = BatchIndex.example
        clean.failures = []
        XCTAssertTrue(BatchPage.html(clean).contains("failed. Every file was processed.</p>"))
    }

    func testBatchRowTakesTheWorstFiniteRSquared() {
        var report = RecordingReport.example
        report.dwellHistograms[0].rSquared = .nan
        let row = BatchRow(report: report, name: "x", reportFolder: "x")
        XCTAssertEqual(row.worstRSquared, 0.984)
        XCTAssertEqual(row.popen, 0.1423)
        XCTAssertEqual(row.status, .ok)
    }

    func testBatchLinksWithSpacesAreEncoded() {
        let index = BatchIndex(title: "t", recordings: [BatchRow(name: "cell 1", status: .ok, reportFolder: "cell 1#a")])
        XCTAssertTrue(BatchPage.html(index).contains("href=\"cell%201%23a/index.html\""))
    }
}
