import Foundation
import PatchData
import Reports
import PatchFitTestSupport
import XCTest

/// Renders the example report in headless Chromium (Debian package `chromium`) and checks
/// that a real picture comes out, and that the browser's DOM holds every chart.
///
/// Set REPORTS_RENDER_DIR to keep the rendered report and PNG in that folder (used to make
/// Reports/examples/report.png); otherwise a temporary folder is used and removed.
final class ChromiumRenderTests: XCTestCase {
    static let candidates = ["chromium", "chromium-browser", "google-chrome"]

    /// The first candidate browser on PATH, or nil.
    func chromiumPath() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in Self.candidates {
            for folder in path.split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Runs `executable` with `arguments` (a 3-minute deadline), returning exit status and
    /// standard output.
    func run(_ executable: String, _ arguments: [String], in folder: URL) throws -> (status: Int32, output: Data) {
        let r = try ChildProcess.run(executable, arguments, directory: folder.path, environment: ["HOME": folder.path], timeout: 180)
        XCTAssertFalse(r.timedOut, "\(executable) did not finish in 180 s")
        return (r.status, Data(r.stdout.utf8))
    }

    static let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                        "--disable-dev-shm-usage"]

    func testExampleReportRendersInHeadlessChromium() throws {
        guard let chromium = chromiumPath() else {
            return XCTFail("headless Chromium not found on PATH: install it with `apt-get install -y chromium` (Debian package `chromium`)")
        }
        let keep = ProcessInfo.processInfo.environment["REPORTS_RENDER_DIR"]
        let folder = URL(fileURLWithPath: keep ?? NSTemporaryDirectory())
            .appendingPathComponent(keep == nil ? "reports-chromium-\(getpid())" : "")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        let report = RecordingReport.example
        try ReportWriter.write(report, to: folder.path)
        let page = "file://" + folder.appendingPathComponent("index.html").path
        let png = folder.appendingPathComponent("report.png")

        // 1. The browser's own DOM: every chart is there as an <svg> and the headings survive.
        let dom = try run(chromium, Self.flags + ["--dump-dom", page], in: folder)
        XCTAssertEqual(dom.status, 0, "chromium --dump-dom failed")
        let domText = String(decoding: dom.output, as: UTF8.self)
        let expectedCharts = 1 + 1 + report.dwellHistograms.count + 1 + 1  // trace, amplitude, dwells, scheme, loss
        XCTAssertEqual(domText.components(separatedBy: "<svg ").count - 1, expectedCharts)
        for heading in RecordingPage.sectionHeadings { XCTAssertTrue(domText.contains(heading), heading) }
        for title in ["Time (ms)", "Current (pA)", "Dwell time (s, log scale)", "√(count)", "Iteration", "Count"] {
            XCTAssertTrue(domText.contains(title), "axis title \(title) missing from the rendered DOM")
        }

        // 2. A screenshot: the PNG exists, has the requested size and is not a blank page.
        let shot = try run(chromium, Self.flags + ["--screenshot=\(png.path)", "--window-size=1280,4000", page], in: folder)
        XCTAssertEqual(shot.status, 0, "chromium --screenshot failed")
        let data = try Data(contentsOf: png)
        let header = try XCTUnwrap(PNGHeader(data), "not a PNG file")
        XCTAssertEqual(header.width, 1280)
        XCTAssertEqual(header.height, 4000)
        // A white 1280×4000 page compresses to a few kB; charts, text and tables give far more.
        XCTAssertGreaterThan(data.count, 60_000, "the screenshot looks blank (\(data.count) bytes)")

        // 3. The batch index opens too and names its failures.
        let batchFolder = folder.appendingPathComponent("batch")
        try ReportWriter.write(BatchIndex.example, to: batchFolder.path)
        let batch = try run(chromium, Self.flags + ["--dump-dom", "file://" + batchFolder.appendingPathComponent("index.html").path], in: folder)
        XCTAssertEqual(batch.status, 0, "chromium --dump-dom of the batch index failed")
        let batchText = String(decoding: batch.output, as: UTF8.self)
        XCTAssertTrue(batchText.contains("notes.docx") && batchText.contains("patch-03.abf"))
    }
}

/// Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian), after checking the
/// 8-byte signature and that the first chunk is IHDR.
struct PNGHeader {
    var width: Int
    var height: Int

    init?(_ data: Data) {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
              bytes[12..<16] == [0x49, 0x48, 0x44, 0x52] else { return nil }
        func be32(_ i: Int) -> Int { bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        width = be32(16)
        height = be32(20)
    }
}
