import XCTest
import PatchData
import GatingModels

/// Groups of openings for the likelihood (resolution imposed by Idealization's rules).
final class LikelihoodRecordTests: XCTestCase {
    func seq(_ d: [(Int, Double)], flags: [Int: DwellFlags] = [:]) -> DwellSequence {
        DwellSequence(dwells: d.enumerated().map { i, x in
            Dwell(level: x.0, amplitude: Double(x.0) * 5, duration: x.1, flags: flags[i] ?? []) },
                      provenance: Provenance(file: "t", format: .synthetic))
    }

    func testGroupsSplitAtTCritAndUnusableIntervals() throws {
        let s = seq([(0, 1), (1, 1e-3), (0, 1e-3), (1, 1e-3), (0, 1), (1, 2e-3), (0, 0), (1, 1e-3), (0, 1e-3)], flags: [6: .unusable])
        let r = try LikelihoodRecord(s, conditions: ch82Conditions, resolution: 1e-4, tCrit: 4e-3)
        XCTAssertEqual(r.groups.map(\.durations.count), [3, 1, 1])
        XCTAssertEqual(r.groups.map(\.start), [.longShutting, .longShutting, .unknown])
        XCTAssertEqual(r.groups.map(\.end), [.longShutting, .unknown, .unknown])
    }
}
