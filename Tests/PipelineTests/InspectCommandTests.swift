import Foundation
import XCTest

final class InspectCommandTests: XCTestCase {
    func testJsonForAnAbfAndAScanFile() throws {
        let result = try CLI.run(["inspect", "--json", CLI.sharedData("abf/18425108.abf"), CLI.sharedData("scn/CH82.scn")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.count, 2)
        let abf = array[0]
        XCTAssertEqual(abf["format"] as? String, "abf2")
        XCTAssertEqual(abf["sweeps"] as? Int, 1)
        XCTAssertEqual((abf["sample_rate_hz"] as? NSNumber)?.doubleValue ?? 0, 25_000, accuracy: 1e-6)
        let channels = try XCTUnwrap(abf["channels"] as? [[String: Any]])
        XCTAssertEqual(channels.map { $0["name"] as? String }, ["Imemb", "10_Vm"])
        XCTAssertEqual(channels.map { $0["units"] as? String }, ["nA", "mV"])
        XCTAssertEqual((channels[0]["first_sample"] as? NSNumber)?.doubleValue ?? 0, 0.07935, accuracy: 1e-4)
        let scn = array[1]
        XCTAssertEqual(scn["format"] as? String, "scan")
        XCTAssertEqual(scn["intervals"] as? Int, 4312)
        XCTAssertEqual(scn["openings"] as? Int, 2156)
        XCTAssertNil(scn["channels"])
    }

    func testFolderWithBadFilesReportsEachAndStillReportsTheGoodOnes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try Data(contentsOf: URL(fileURLWithPath: CLI.sharedData("scn/CH82.scn")))
        try good.write(to: folder.appendingPathComponent("a-good.scn"))
        try good.prefix(1000).write(to: folder.appendingPathComponent("b-truncated.scn"))
        try Data("this is not a recording\u{0}\u{1}".utf8).write(to: folder.appendingPathComponent("c-junk.abf"))
        try Data(contentsOf: URL(fileURLWithPath: CLI.sharedData("abf/2018_12_09_pCLAMP11_0001.abf"))).write(to: folder.appendingPathComponent("d-good.bin"))

        let result = try CLI.run(["inspect", folder.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("a-good.scn"))
        XCTAssertTrue(result.stdout.contains("d-good.bin"))
        XCTAssertTrue(result.stdout.contains("intervals: 4312"))
        let errorLines = result.stderr.split(separator: "\n")
        XCTAssertEqual(errorLines.count, 2, result.stderr)  // one clear line per bad file
        XCTAssertTrue(errorLines[0].contains("b-truncated.scn") && errorLines[0].contains("truncated"))
        XCTAssertTrue(errorLines[1].contains("c-junk.abf") && errorLines[1].contains("unrecognised format"))

        let json = try CLI.run(["inspect", "--json", folder.path])
        XCTAssertEqual(json.status, 1)
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.compactMap { $0["error"] as? String }.count, 2)
        // The path is in "file"; "error" says what is wrong and where in the file.
        let junk = try XCTUnwrap(array.first { ($0["file"] as? String)?.hasSuffix("c-junk.abf") == true }?["error"] as? String)
        XCTAssertTrue(junk.hasPrefix("field signature at byte 0: unrecognised format: first bytes 74 68 69 73 match no"), junk)
    }

    func testMissingFileIsOneLineAndExitStatusOne() throws {
        let result = try CLI.run(["inspect", "/nonexistent/recording.abf"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1)
        XCTAssertEqual(result.stderr, "/nonexistent/recording.abf: error: unreadable: no such file\n")
        XCTAssertTrue(result.stdout.isEmpty)
    }
}
