import Foundation
import Pipeline
import XCTest

/// Every pipeline in Pipelines/ is valid, and the synthetic ones print truth against fit.
final class ShippedPipelineTests: XCTestCase {
    func shipped() throws -> [String] {
        let folder = CLI.packageRoot.appendingPathComponent("Pipelines")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    func testEveryShippedPipelineIsValid() throws {
        let names = try shipped()
        XCTAssertEqual(Set(names), ["demo.yaml", "lab-batch.yaml", "synthetic-ch82.yaml", "dimerization.yaml", "oscillator.yaml",
                                    "oscillator-four-rates.yaml", "synthetic-2ch-ssa.yaml"])
        for name in names {
            XCTAssertNoThrow(try PipelineSpec.load(path: "Pipelines/\(name)", baseFolder: CLI.packageRoot.path), name)
        }
    }

    func testLabBatchRunsOnAFolderOfAbfAndNwb() throws {
        let result = try CLI.run(["run", "Pipelines/lab-batch.yaml", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("2 of 2 recordings analysed"), result.stdout)
        // One line per recording before the totals: name, status, Popen, worst R².
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first?.split(separator: " ", omittingEmptySubsequences: true), ["recording", "status", "Popen", "worst", "R²"])
        for name in ["cco-1uM-cell2", "cco-1uM-export"] {
            let cells = try XCTUnwrap(lines.first { $0.hasPrefix(name + " ") }).split(separator: " ")
            XCTAssertEqual(cells.count, 4, "\(cells)")
            XCTAssertEqual(cells[1], "ok")
            XCTAssertEqual(Double(cells[2]) ?? 0, 0.19, accuracy: 0.02, "Popen")
            XCTAssertGreaterThan(Double(cells[3]) ?? 0, 0.9, "worst R²")
        }
    }

    func testSyntheticCH82PrintsTruthAgainstFit() throws {
        let result = try CLI.run(["run", "Pipelines/synthetic-ch82.yaml", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rates = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Reports/synthetic-ch82/synthetic-001/rates.csv"), encoding: .utf8)
        // Truth column filled for every rate; k*+2 is fixed at its true value, so its error is 0.
        let rows = rates.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(rows.count, 10)
        XCTAssertTrue(rows.allSatisfy { !$0[4].isEmpty })
        XCTAssertEqual(rows.first { $0[0] == "k_star_plus2" }.map { Double($0[5]) ?? 1 } ?? 1, 0, accuracy: 1e-9)
        // The well-determined gating of the singly occupied open state (β1 is poorly defined in
        // 10 s of data) and the dissociation rate: within 50 % of truth.
        for name in ["k_minus1", "alpha2"] {
            let error = rows.first { $0[0] == Substring(name) }.flatMap { Double($0[5]) } ?? 1e9
            XCTAssertLessThan(abs(error), 50, name)
        }
    }

    /// The network-fit pipelines, at reduced size (the shipped sizes take 4–50 s each on 2 cores).
    func testNetworkFitPipelinesPrintTruthAgainstFit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("netfit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let oscillatorSizes = "target_trajectories: 200\n  trajectories: 8\n  iterations: 24"
        let runs = [("dimerization", "target_trajectories: 20000\n  trajectories: 64\n  iterations: 300"),
                    ("oscillator", oscillatorSizes),
                    ("oscillator", oscillatorSizes + "\n  relaxation: runner-up\n  temperature: 0.25")]
        var oscillatorErrors: [[Double]] = []
        for (index, (name, sizes)) in runs.enumerated() {
            let path = folder.appendingPathComponent("\(name).yaml").path
            let output = folder.appendingPathComponent("out-\(index)")
            try """
                name: \(name)
                kind: network-fit
                output: \(output.path)
                network:
                  benchmark: \(name)
                  \(sizes)

                """.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try CLI.run(["run", path, "--quiet"])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("truth") && result.stdout.contains("fit"), result.stdout)
            let errors = result.stdout.split(separator: "\n").compactMap { line -> Double? in
                guard let open = line.firstIndex(of: "("), let pct = line.range(of: " %)") else { return nil }
                return Double(line[line.index(after: open)..<pct.lowerBound])
            }
            XCTAssertEqual(errors.count, 2, result.stdout)
            // Reduced sizes: the dimerization still lands within 3 %, the oscillator within 15 %.
            for e in errors { XCTAssertLessThan(abs(e), name == "dimerization" ? 3 : 15, "\(name): \(result.stdout)") }
            // The report records the surrogate it used.
            let summary = try String(contentsOf: output.appendingPathComponent(name).appendingPathComponent("summary.json"), encoding: .utf8)
            XCTAssertTrue(summary.contains(sizes.contains("runner-up") ? "chosen reaction and runner-up" : "all competing reactions"), summary)
            XCTAssertTrue(summary.contains(sizes.contains("0.25") ? "\"0.25\"" : "\"0.5\""), summary)
            if name == "oscillator" { oscillatorErrors.append(errors) }
            // The loss of every iteration is in the report, and the fit from a wrong start lowered it.
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
            let curve = try XCTUnwrap(json["lossCurve"] as? [String: Any], "\(name): no lossCurve")
            let losses = try XCTUnwrap(curve["loss"] as? [Double])
            XCTAssertEqual(losses.count, name == "dimerization" ? 300 : 24)
            XCTAssertLessThan(losses.suffix(losses.count / 4).reduce(0, +) / Double(losses.count / 4), losses[0], name)
            // R² of the window means per observable, beside what the true rates score.
            let quality = try XCTUnwrap(json["fitQuality"] as? [String: Any], "\(name): no fitQuality")
            let r2 = try XCTUnwrap(quality["rSquared"] as? [[String: Any]]).compactMap { $0["value"] as? Double }
            let ceiling = try XCTUnwrap(quality["rSquaredCeiling"] as? [[String: Any]]).compactMap { $0["value"] as? Double }
            print("\(name) R² \(r2), at the truth \(ceiling)")
            XCTAssertEqual(r2.count, name == "dimerization" ? 1 : 2)
            XCTAssertEqual(ceiling.count, r2.count)
            for (fit, truth) in zip(r2, ceiling) { XCTAssertGreaterThan(fit, min(0.9, truth - 0.05), name) }
            // The terminal's row: no Popen for a reaction network; the worst of those R².
            let row = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") }).split(separator: " ")
            XCTAssertEqual(row.count, 4, "\(row)")
            XCTAssertEqual(row[1], "ok")
            XCTAssertEqual(row[2], "—")
            XCTAssertEqual(Double(row[3]) ?? -1, r2.min() ?? 0, accuracy: 5e-4, "\(row)")
        }
        // Same targets and seeds, another surrogate: another estimate.
        XCTAssertNotEqual(oscillatorErrors.first, oscillatorErrors.last)
    }

    /// A staged (curriculum) fit through a pipeline: the report says how the iterations were
    /// staged and holds every stage's losses; the fitted rates named in the pipeline are the ones
    /// reported. (Its accuracy is tested in StochasticKinetics' CurriculumFitTests.)
    func testNetworkFitPipelineRunsACurriculum() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("curriculum-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("staged.yaml").path
        try """
            name: staged
            kind: network-fit
            output: \(folder.appendingPathComponent("out").path)
            network:
              benchmark: oscillator
              parameters: [betaA, deltaA]
              start_factors: [1.1, 0.9]
              horizons: [2, 4]
              target_trajectories: 40
              trajectories: 4
              iterations: 5

            """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("betaA: truth 50") && result.stdout.contains("deltaA: truth 1"), result.stdout)
        XCTAssertFalse(result.stdout.contains("deltaR"), result.stdout)
        let summary = try String(contentsOf: folder.appendingPathComponent("out/oscillator/summary.json"), encoding: .utf8)
        XCTAssertTrue(summary.contains("5 per stage × 3 stages (curriculum: windows ending by 2, 4, 12)"), summary)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        let curve = try XCTUnwrap(json["lossCurve"] as? [String: Any])
        XCTAssertEqual((curve["loss"] as? [Double])?.count, 15)
        XCTAssertTrue(summary.contains("steps up where a stage adds windows (iterations 5, 10)"), summary)
        XCTAssertTrue(summary.contains("betaA = 55, deltaA = 0.9"), summary)
    }
}
