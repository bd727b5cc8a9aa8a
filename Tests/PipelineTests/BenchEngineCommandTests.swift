// `patchfit bench engine`: the relaxation and bias-model options, as a user runs them.
import Foundation
import XCTest

final class BenchEngineCommandTests: XCTestCase {
    /// A tiny speed run with the runner-up relaxation prints the JSON rows the issue names.
    func testRunnerUpSpeedRunPrintsTheJSONRows() throws {
        let result = try CLI.run(["bench", "engine", "--model", "oscillator", "--relaxation", "runner-up", "--events", "3000",
                                  "--trajectories-per-thread", "1", "--repeats", "1", "--json"])
        XCTAssertEqual(result.status, 0, result.output)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        XCTAssertFalse(rows.isEmpty)
        for row in rows {
            XCTAssertEqual(row["model"] as? String, "oscillator")
            for key in ["forward_steps_per_second_per_core", "gradient_steps_per_second_per_core", "backward_steps_per_second_per_core",
                        "gradient_forward_steps_per_second_per_core"] {
                XCTAssertGreaterThan(row[key] as? Double ?? 0, 0, key)
            }
        }
    }

    /// Unknown relaxations and a star channel without Popen are refused with a message naming
    /// the option, before anything runs.
    func testBadOptionsAreRefusedWithTheirName() throws {
        let relaxation = try CLI.run(["bench", "engine", "--relaxation", "top-two"])
        XCTAssertNotEqual(relaxation.status, 0)
        XCTAssertTrue(relaxation.stderr.contains("--relaxation must be one of all, runner-up"), relaxation.output)
        let star = try CLI.run(["bench", "engine", "--gradient-bias", "--bias-model", "star", "--bias-quantity", "shut-time"])
        XCTAssertNotEqual(star.status, 0)
        XCTAssertTrue(star.stderr.contains("--bias-model"), star.output)
        for (arguments, message) in [(["--truncation", "-1"], "--truncation"), (["--truncation", "one"], "--truncation"),
                                     (["--temperature", "0"], "--temperature"), (["--fits", "--fit-model", "ring"], "--fit-model"),
                                     (["--fits", "--fit-iterations", "2"], "--fit-iterations"), (["--fits", "--fit-target", "0"], "--fit-target"),
                                     (["--fits", "--fit-start-factors", "1.3,x"], "--fit-start-factors"),
                                     (["--gradient-check", "--check-step", "0"], "--check-step"),
                                     (["--gradient-check", "--fit-model", "star"], "--gradient-check"),
                                     (["--fits", "--fit-model", "oscillator", "--fit-parameters", "betaA,gammaX"], "gammaX"),
                                     (["--fits", "--fit-model", "dimerization", "--fit-parameters", "kf"], "--fit-parameters"),
                                     (["--fits", "--fit-horizons", "3,0"], "--fit-horizons"), (["--fits", "--fit-horizons", "3,x"], "--fit-horizons"),
                                     (["--fits", "--fit-model", "star", "--fit-horizons", "1"], "--fit-horizons")] {
            let bad = try CLI.run(["bench", "engine"] + arguments)
            XCTAssertNotEqual(bad.status, 0, "\(arguments)")
            XCTAssertTrue(bad.stderr.contains(message), "\(arguments): \(bad.output)")
        }
    }

    /// --temperature and --truncation reach the speed run (τ = 0.25 takes the integer-power path,
    /// K none the untruncated loop) and it still prints its rows.
    func testTemperatureAndTruncationOptionsRun() throws {
        let result = try CLI.run(["bench", "engine", "--model", "dimerization", "--temperature", "0.25", "--truncation", "none",
                                  "--events", "2000", "--trajectories-per-thread", "1", "--repeats", "1", "--json"])
        XCTAssertEqual(result.status, 0, result.output)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        XCTAssertFalse(rows.isEmpty)
    }

    /// A small gradient check prints one line per fitted rate with both estimates and their sign.
    func testGradientCheckPrintsBothEstimatesPerRate() throws {
        let result = try CLI.run(["bench", "engine", "--gradient-check", "--fit-model", "dimerization", "--check-trajectories", "200"])
        XCTAssertEqual(result.status, 0, result.output)
        for rate in ["kf", "kb"] {
            let line = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.hasPrefix("  \(rate) ") }, result.stdout)
            XCTAssertTrue(line.contains("straight-through") && line.contains("finite difference"), String(line))
            XCTAssertTrue(line.contains("sign"), String(line))
        }
    }
}
