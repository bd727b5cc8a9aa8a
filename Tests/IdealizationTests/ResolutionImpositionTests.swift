import Idealization
import PatchData
import XCTest

final class ResolutionImpositionTests: XCTestCase {
    func seq(_ d: [(Int, Double, Double)], segments: [Int]? = nil) -> DwellSequence {
        DwellSequence(dwells: d.map { Dwell(level: $0.0, amplitude: $0.1, duration: $0.2) }, segmentStarts: segments,
                      provenance: Provenance(file: "", format: .synthetic))
    }

    func summary(_ s: DwellSequence) -> [String] {
        s.dwells.map { "\($0.level):\(String(format: "%.2f", $0.duration)):\(String(format: "%.3f", $0.amplitude))" }
    }

    /// A brief shutting inside an opening joins the opening; a brief opening inside a shut
    /// period joins the shut period; leading unresolvable intervals are dropped.
    func testMergesByTheFieldsRule() throws {
        let s = seq([(1, 1, 0.5),                    // leading, unresolvable: dropped
                     (0, 0, 5), (1, 2, 0.3), (0, 0, 4), // brief opening inside a shut period
                     (1, 2, 3), (0, 0, 0.2), (1, 4, 1),  // brief shutting between two openings
                     (0, 0, 6)])
        let r = try ResolutionImposition.impose(s, resolution: 1)
        // Amplitude of the merged opening: (2·3 + 4·1)/(3 + 1) = 2.5 (the shutting carries no charge).
        XCTAssertEqual(summary(r), ["0:9.30:0.000", "1:4.20:2.500", "0:6.00:0.000"])
        XCTAssertEqual(r.resolution, 1)
        XCTAssertEqual(r.totalDuration, s.totalDuration - 0.5, accuracy: 1e-12)
    }

    /// An open period ends at a resolvable opening to another level; brief sublevel visits merge.
    func testMultiLevelOpenPeriods() throws {
        let s = seq([(0, 0, 5), (1, 1, 3), (2, 2, 0.5), (1, 1, 2), (2, 2, 3), (0, 0, 4)])
        let r = try ResolutionImposition.impose(s, resolution: 1)
        XCTAssertEqual(summary(r), ["0:5.00:0.000", "1:5.50:1.091", "2:3.00:2.000", "0:4.00:0.000"])
    }

    /// Segments are imposed separately; an unusable interval is kept as it is.
    func testSegmentsAndUnusableIntervals() throws {
        var s = seq([(0, 0, 5), (1, 1, 0.5), (0, 0, 3), (0, 0, 0.5), (1, 1, 2)], segments: [0, 3])
        s.dwells[1].flags = .unusable
        let r = try ResolutionImposition.impose(s, resolution: 1)
        XCTAssertEqual(summary(r), ["0:5.00:0.000", "1:0.50:1.000", "0:3.00:0.000", "1:2.00:1.000"])
        XCTAssertEqual(r.segmentStarts, [0, 3])
    }

    /// Unresolvable intervals right after an unusable one join it (found on scn_000225S1.DAT:
    /// a 20 µs opening after an unusable interval reached the likelihood as an "opening"
    /// shorter than t_res, whose HJC density is 0); every usable output interval ≥ t_res.
    func testUnresolvableIntervalsAfterAnUnusableOneJoinIt() throws {
        var s = seq([(0, 0, 5), (1, 1, 2), (0, 0, 3), (1, 1, 0.5), (0, 0, 0.2), (1, 1, 2), (0, 0, 4)])
        s.dwells[2].flags = .unusable
        let r = try ResolutionImposition.impose(s, resolution: 1)
        XCTAssertEqual(summary(r), ["0:5.00:0.000", "1:2.00:1.000", "0:3.70:0.000", "1:2.00:1.000", "0:4.00:0.000"])
        XCTAssertTrue(r.dwells[2].flags.contains(.unusable))
        XCTAssertEqual(r.totalDuration, s.totalDuration, accuracy: 1e-12)
        XCTAssertTrue(r.dwells.allSatisfy { $0.duration >= 1 || $0.flags.contains(.unusable) })
    }

    func testZeroResolutionChangesNothingAndNegativeThrows() throws {
        let s = seq([(0, 0, 5), (1, 1, 0.5), (0, 0, 3)])
        XCTAssertEqual(try ResolutionImposition.impose(s, resolution: 0).dwells, s.dwells)
        XCTAssertThrowsError(try ResolutionImposition.impose(s, resolution: -1))
        XCTAssertThrowsError(try ResolutionImposition.impose(s, resolution: .nan))
    }
}
