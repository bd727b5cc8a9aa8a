import XCTest
import PatchData
import GatingModels

/// Resolution imposition by the field's rules (REFERENCE.md §3).
final class ResolutionTests: XCTestCase {
    func seq(_ d: [(Int, Double)], flags: [Int: DwellFlags] = [:]) -> DwellSequence {
        DwellSequence(dwells: d.enumerated().map { i, x in
            Dwell(level: x.0, amplitude: Double(x.0) * 5, duration: x.1, flags: flags[i] ?? []) },
                      provenance: Provenance(file: "t", format: .synthetic))
    }

    func testShortIntervalsMergeIntoThePrecedingResolvableOne() throws {
        let r = try seq([(0, 1e-3), (1, 2e-3), (0, 3e-5), (1, 1e-3), (0, 5e-3)]).imposingResolution(1e-4)
        XCTAssertEqual(r.dwells.map(\.level), [0, 1, 0])
        XCTAssertEqual(r.dwells[1].duration, 2e-3 + 3e-5 + 1e-3, accuracy: 1e-15)
    }

    func testShutPeriodLastsUntilTheNextResolvableOpening() throws {
        let r = try seq([(1, 1e-3), (0, 1e-3), (1, 5e-5), (0, 2e-3), (1, 1e-3)]).imposingResolution(1e-4)
        XCTAssertEqual(r.dwells.map(\.level), [1, 0, 1])
        XCTAssertEqual(r.dwells[1].duration, 1e-3 + 5e-5 + 2e-3, accuracy: 1e-15)
    }

    func testOpenPeriodEndsAtAResolvableDifferentLevelAndAveragesAmplitude() throws {
        var s = seq([(1, 1e-3), (2, 1e-3), (1, 5e-5), (0, 1e-3)])
        s.dwells[2].amplitude = 7
        let r = try s.imposingResolution(1e-4)
        XCTAssertEqual(r.dwells.map(\.level), [1, 2, 0])
        XCTAssertEqual(r.dwells[1].amplitude, (10 * 1e-3 + 7 * 5e-5) / (1e-3 + 5e-5), accuracy: 1e-12)
    }

    func testLeadingUnresolvableIntervalsAreDroppedAndUnusableIntervalsKept() throws {
        let r = try seq([(1, 1e-5), (0, 1e-3), (1, 1e-3), (0, 0), (1, 1e-3)], flags: [3: .unusable]).imposingResolution(1e-4)
        XCTAssertEqual(r.dwells.map(\.level), [0, 1, 0, 1])
        XCTAssertTrue(r.dwells[2].flags.contains(.unusable))
        XCTAssertEqual(r.resolution, 1e-4)
    }

    func testGroupsSplitAtTCritAndUnusableIntervals() throws {
        let s = seq([(0, 1), (1, 1e-3), (0, 1e-3), (1, 1e-3), (0, 1), (1, 2e-3), (0, 0), (1, 1e-3), (0, 1e-3)], flags: [6: .unusable])
        let r = try LikelihoodRecord(s, conditions: ch82Conditions, resolution: 1e-4, tCrit: 4e-3)
        XCTAssertEqual(r.groups.map(\.durations.count), [3, 1, 1])
        XCTAssertEqual(r.groups.map(\.start), [.longShutting, .longShutting, .unknown])
        XCTAssertEqual(r.groups.map(\.end), [.longShutting, .unknown, .unknown])
    }
}
