import Foundation
import GatingModels
import XCTest

/// `patchfit scheme list|convert` and `.mec` schemes in `patchfit fit`, run as a user would.
final class SchemeCommandTests: XCTestCase {
    func testListConvertAndFitFromAMecFile() throws {
        let demomec = CLI.sharedData("mechanisms/mec_demomec.mec")
        let list = try CLI.run(["scheme", "list", demomec])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("version 200, 3 rate set(s)"), list.stdout)
        XCTAssertTrue(list.stdout.contains("Burzomato"), list.stdout)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scheme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = folder.appendingPathComponent("ch82.yaml").path
        let convert = try CLI.run(["scheme", "convert", demomec + "#1", "--out", yaml])
        XCTAssertEqual(convert.status, 0, convert.stderr)
        // The converted file is a scheme like any other: CH82's equilibrium at 100 nM.
        let scheme = try GatingScheme(contentsOf: yaml)
        let golden = try GatingScheme(contentsOf: CLI.packageRoot.appendingPathComponent("Data/schemes/ch82.yaml").path)
        let conditions = RecordConditions(concentration: 100e-9)
        XCTAssertEqual(try scheme.qMatrix(conditions).popen(), try golden.qMatrix(conditions).popen(), accuracy: 1e-6)

        // Several rate sets and no choice: the error lists them and nothing is written.
        let ambiguous = try CLI.run(["scheme", "convert", demomec, "--out", folder.appendingPathComponent("x.yaml").path])
        XCTAssertNotEqual(ambiguous.status, 0)
        XCTAssertTrue(ambiguous.stderr.contains("2 = mechanism 2"), ambiguous.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.yaml").path))

        // A .mec file straight into the exact fit (few evaluations: this checks the plumbing).
        let fit = try CLI.run(["fit", CLI.sharedData("scn/CH82.scn"), "--scheme", demomec + "#1", "--conc", "100e-9",
                               "--resolution", "1e-4", "--tcrit", "4e-3", "--max-evaluations", "50", "--quiet",
                               "--out", folder.appendingPathComponent("fit").path])
        XCTAssertEqual(fit.status, 0, fit.stderr)
        let summary = try Data(contentsOf: folder.appendingPathComponent("fit/fit.json"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: summary) as? [String: Any])
        XCTAssertEqual((json["rates"] as? [String: Double])?.count, 10)
        XCTAssertTrue(((json["log_likelihood"] as? NSNumber)?.doubleValue ?? .nan).isFinite)
    }
}
