import Foundation
import PatchFitTestSupport
import XCTest

/// End-to-end runs of `patchfit run` on the bundled data, the way a user runs it.
final class PipelineRunTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// A batch pipeline over `inputs` writing into the scratch folder (paths are absolute).
    func pipeline(_ name: String, inputs: [String], fit: Bool = true) throws -> String {
        var yaml = """
            name: \(name)
            output: \(scratch.appendingPathComponent("out-\(name)").path)
            inputs: [\(inputs.map { "\"\($0)\"" }.joined(separator: ", "))]
            condition:
              acquisition_filter_hz: 5000
            idealise:
              method: skm
              levels: 2
              resolution: 60e-6
              tcrit: 5e-3

            """
        if fit {
            yaml += """
                fit:
                  scheme: Data/schemes/cco.yaml
                  concentration: 1e-6
                  route: exact

                """
        }
        let path = scratch.appendingPathComponent("\(name).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func batchFolder(copies: Int) throws -> URL {
        let folder = scratch.appendingPathComponent("batch")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let cell = CLI.packageRoot.appendingPathComponent("Data/lab-batch/cco-1uM-cell2.nwb")
        for k in 1...copies { try FileManager.default.copyItem(at: cell, to: folder.appendingPathComponent("cell\(k).nwb")) }
        return folder
    }

    /// Every file under a folder except caches and timing.json, as relative path → bytes.
    func results(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!
        // A kill during an atomic write can leave a hidden `.name.tmp-…` file (never a partial
        // file under the real name); such leftovers are not results.
        for case let url as URL in e where !url.path.contains("/.cache/") && url.lastPathComponent != "timing.json"
            && !(url.lastPathComponent.hasPrefix(".") && url.lastPathComponent.contains(".tmp-")) {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[String(url.path.dropFirst(folder.path.count))] = try Data(contentsOf: url)
            }
        }
        return out
    }

    func index(_ folder: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("index.json"))) as! [String: Any]
    }

    // MARK: -

    func testShippedDemoPipelineProducesAReport() throws {
        let result = try CLI.run(["run", "Pipelines/demo.yaml", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("1 of 1 recordings analysed"), result.stdout)
        let folder = CLI.packageRoot.appendingPathComponent("Reports/demo/cco-1uM")
        let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<svg"))
        // The idealisation's terminal summary reaches the settings table as one readable line.
        XCTAssertTrue(html.contains("; noise SD: ") && html.contains("; Popen: "), "idealisation setting runs its fields together")
        XCTAssertTrue(html.contains("at the half-amplitude crossing, between samples; brief events corrected for the filter"),
                      "the report says how transitions were timed")
        let rates = try String(contentsOf: folder.appendingPathComponent("rates.csv"), encoding: .utf8)
        // Truth: k_plus 1e8, k_minus 2000, beta 5000, alpha 1000 (Data/README.md). 8 s of data
        // (~1000 openings) pins the gating rates to ~10 %; allow 30 % so only a broken chain fails.
        let values = Dictionary(uniqueKeysWithValues: rates.split(separator: "\n").dropFirst().map { line -> (String, Double) in
            let cells = line.split(separator: ",")
            return (String(cells[0]), Double(cells[1])!)
        })
        for (name, truth) in ["k_plus": 1e8, "k_minus": 2000.0, "beta": 5000.0, "alpha": 1000.0] {
            XCTAssertEqual(values[name] ?? 0, truth, accuracy: 0.3 * truth, name)
        }
    }

    /// Two channels in a patch with both routes: the page shows the two-channel likelihood's fit
    /// (route and method named), and the SSA route's note gives its rates and the likelihood at
    /// them beside the maximum.
    func testTwoChannelPatchWithBothRoutes() throws {
        let schemes = CLI.packageRoot.appendingPathComponent("Data/schemes")
        let yaml = """
            name: patch
            kind: synthetic-channel
            output: \(scratch.appendingPathComponent("out-patch").path)
            synthetic:
              scheme: \(schemes.appendingPathComponent("cco.yaml").path)
              concentration: 10e-6
              channels: 2
              duration: 2
              sample_rate: 50000
              filter_hz: 5000
              noise_rms: 0.4
              seed: 2
            condition:
              acquisition_filter_hz: 5000
            idealise:
              method: skm
              levels: 3
              open_direction: up
              resolution: 60e-6
            fit:
              scheme: \(schemes.appendingPathComponent("cco-start.yaml").path)
              concentration: 10e-6
              route: both
              channels: 2
              iterations: 8
              bootstrap: 0

            """
        let path = scratch.appendingPathComponent("patch.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try String(contentsOf: scratch.appendingPathComponent("out-patch/synthetic-001/summary.json"), encoding: .utf8)
        XCTAssertTrue(summary.contains("exact: likelihood of 2 channels"), "route and method")
        XCTAssertTrue(summary.contains("The SSA route on the same record") && summary.contains("log-likelihood there"), "SSA note")
    }

    func testBatchWithCorruptAndUnsupportedFilesFinishesTheRestAndNamesTheFailures() throws {
        let folder = try batchFolder(copies: 1)
        let good = try Data(contentsOf: folder.appendingPathComponent("cell1.nwb"))
        try good.prefix(good.count / 2).write(to: folder.appendingPathComponent("corrupt.nwb"))
        try Data("%PDF-1.4 not a recording\n".utf8).write(to: folder.appendingPathComponent("notes.pdf"))
        let path = try pipeline("mixed", inputs: [folder.path], fit: false)
        let result = try CLI.run(["run", path, "--quiet"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("1 of 3 recordings analysed"), result.stdout)
        XCTAssertTrue(result.stdout.split(separator: "\n").contains { $0.hasPrefix("corrupt ") && $0.contains(" failed ") }, result.stdout)
        let index = try index(scratch.appendingPathComponent("out-mixed"))
        let failures = index["failures"] as! [[String: Any]]
        XCTAssertEqual(failures.count, 2)
        let reasons = failures.map { "\($0["file"]!): \($0["reason"]!)" }.joined(separator: "\n")
        XCTAssertTrue(reasons.contains("corrupt.nwb"), reasons)
        XCTAssertTrue(reasons.contains("notes.pdf") && reasons.contains("unrecognised format"), reasons)
        let html = try String(contentsOf: scratch.appendingPathComponent("out-mixed/index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("corrupt.nwb") && html.contains("notes.pdf"))
    }

    func testShardsAndRepeatRunsGiveByteIdenticalResults() throws {
        let folder = try batchFolder(copies: 3)
        let whole = try pipeline("whole", inputs: [folder.path])
        XCTAssertEqual(try CLI.run(["run", whole, "--quiet"]).status, 0)
        let first = try results(scratch.appendingPathComponent("out-whole"))
        XCTAssertGreaterThan(first.count, 10)

        // A second, independent run (cache removed) gives the same bytes.
        try FileManager.default.removeItem(at: scratch.appendingPathComponent("out-whole"))
        XCTAssertEqual(try CLI.run(["run", whole, "--quiet"]).status, 0)
        XCTAssertEqual(try results(scratch.appendingPathComponent("out-whole")), first)

        // Shards 0/2 and 1/2 then a merge, into another folder, give the same files.
        let sharded = try pipeline("whole", inputs: [folder.path])  // same name → same titles
        let shardedOut = scratch.appendingPathComponent("out-whole")
        try FileManager.default.removeItem(at: shardedOut)
        XCTAssertEqual(try CLI.run(["run", sharded, "--shard", "1/2", "--quiet"]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: shardedOut.appendingPathComponent("index.html").path))
        XCTAssertEqual(try CLI.run(["run", sharded, "--shard", "0/2", "--quiet"]).status, 0)
        XCTAssertEqual(try CLI.run(["merge", sharded]).status, 0)
        XCTAssertEqual(try results(shardedOut), first)
    }

    func testAKilledRunResumesWithoutRedoingFinishedStages() throws {
        let folder = try batchFolder(copies: 3)
        let path = try pipeline("resume", inputs: [folder.path])
        let out = scratch.appendingPathComponent("out-resume")
        let cache = out.appendingPathComponent(".cache")

        // Reference: an uninterrupted run elsewhere.
        let reference = try pipeline("reference", inputs: [folder.path])
        XCTAssertEqual(try CLI.run(["run", reference, "--quiet"]).status, 0)

        // Start, wait until at least one fit is cached, then kill it.
        let process = try CLI.start(["run", path, "--quiet"])
        let deadline = Date().addingTimeInterval(300)
        func cached(_ stage: String) -> [String] {
            // Finished entries only: a kill during a write leaves a hidden temporary file, never a
            // partial entry under the real name.
            ((try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent(stage).path)) ?? [])
                .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
        }
        while cached("fit").isEmpty && Date() < deadline { usleep(20_000) }
        process.signal(SIGTERM)
        _ = process.wait(timeout: 60)
        let fitsBefore = cached("fit")
        XCTAssertFalse(fitsBefore.isEmpty, "no fit finished before the kill")
        let stamps = try fitsBefore.map { try FileManager.default.attributesOfItem(atPath: cache.appendingPathComponent("fit/\($0)").path)[.modificationDate] as! Date }

        // No half-written file anywhere: temporary names are never left behind as results.
        let leftovers = FileManager.default.enumerator(atPath: out.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".tmp") }
        XCTAssertTrue(leftovers.allSatisfy { $0.contains("/.") || $0.hasPrefix(".") }, "\(leftovers)")

        // Resume: finished fits are reused untouched, and the outputs match the uninterrupted run.
        XCTAssertEqual(try CLI.run(["run", path, "--quiet"]).status, 0)
        let after = try fitsBefore.map { try FileManager.default.attributesOfItem(atPath: cache.appendingPathComponent("fit/\($0)").path)[.modificationDate] as! Date }
        XCTAssertEqual(stamps, after)
        XCTAssertEqual(cached("fit").count, 3)
        var resumed = try results(out), uninterrupted = try results(scratch.appendingPathComponent("out-reference"))
        // The titles differ only by pipeline name; compare the per-recording reports.
        resumed = resumed.filter { $0.key.hasPrefix("/cell") }
        uninterrupted = uninterrupted.filter { $0.key.hasPrefix("/cell") }
        XCTAssertEqual(resumed.keys.sorted(), uninterrupted.keys.sorted())
        for key in resumed.keys where !key.hasSuffix("index.html") && !key.hasSuffix("summary.json") {
            XCTAssertEqual(resumed[key], uninterrupted[key], key)
        }
    }

    /// A live progress line on a terminal (a pseudo-terminal made by `script`); silence when
    /// standard error is a pipe, as in logs and CI.
    func testProgressOnATerminalOnlyAndQuietOtherwise() throws {
        let folder = try batchFolder(copies: 1)
        let piped = try CLI.run(["run", try pipeline("piped", inputs: [folder.path])])
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stderr, "")
        let command = CLI.productsDirectory.appendingPathComponent("patchfit").path + " run " + (try pipeline("tty", inputs: [folder.path]))
        let script = try ChildProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"], directory: CLI.packageRoot.path, timeout: 300)
        let screen = script.stdout
        XCTAssertEqual(script.status, 0, screen)
        XCTAssertTrue(screen.contains("[0/1] cell1.nwb: reading"), screen)
        XCTAssertTrue(screen.contains("[1/1] cell1.nwb done"), screen)
    }

    func testPipelineMistakeIsReportedBeforeAnyWork() throws {
        let path = scratch.appendingPathComponent("bad.yaml").path
        try "name: bad\ninputs: [x.abf]\nidealise:\n  method: sk\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("bad.yaml:4: idealise.method"), result.stderr)
    }
}

/// The demo's real report opens in headless Chromium with every chart drawn and labelled.
final class DemoReportRenderTests: XCTestCase {
    func testDemoReportRendersWithLabelledAxes() throws {
        let run = try CLI.run(["run", "Pipelines/demo.yaml", "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let page = CLI.packageRoot.appendingPathComponent("Reports/demo/cco-1uM/index.html")
        let chromium = try ChildProcess.run("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                                          "--disable-dev-shm-usage", "--dump-dom", page.absoluteString], timeout: 180)
        XCTAssertEqual(chromium.status, 0, "chromium failed (apt-get install -y chromium): \(chromium.stderr.suffix(1000))")
        let dom = chromium.stdout
        // Trace, amplitude histogram, open and shut histograms, scheme: five SVGs.
        XCTAssertGreaterThanOrEqual(dom.components(separatedBy: "<svg").count - 1, 5)
        for label in ["Time (ms)", "Current (pA)", "Dwell time (s, log scale)", "√(count)", "Count", "k_minus", "alpha"] {
            XCTAssertTrue(dom.contains(label), "missing \(label)")
        }
        XCTAssertFalse(dom.contains("NaN"))
    }
}
