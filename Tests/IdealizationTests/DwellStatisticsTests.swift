import Idealization
import PatchData
import XCTest

final class DwellStatisticsTests: XCTestCase {
    func seq(_ d: [(Int, Double)]) -> DwellSequence {
        DwellSequence(dwells: d.map { Dwell(level: $0.0, amplitude: Double($0.0), duration: $0.1) },
                      provenance: Provenance(file: "", format: .synthetic))
    }

    /// Censored first/last intervals are left out of the lists but counted in Popen.
    func testTimeListsAndPopen() {
        let s = seq([(1, 1), (0, 2), (1, 3), (2, 1), (0, 5), (1, 4)])
        let st = DwellStatistics(s)
        XCTAssertEqual(st.openTimes[1], [3])
        XCTAssertEqual(st.openTimes[2], [1])
        XCTAssertEqual(st.shutTimes, [2, 5])
        XCTAssertEqual(st.popen, 9.0 / 16.0, accuracy: 1e-12)
        XCTAssertEqual(st.meanOpenLevel, (1 + 3 + 2 + 4) / 16.0, accuracy: 1e-12)
        XCTAssertTrue(st.bursts.isEmpty)
    }

    /// Shut times above t_crit split bursts; each burst runs from its first opening to its last.
    func testBurstsSplitByTCrit() {
        let s = seq([(0, 50), (1, 2), (0, 0.5), (1, 3), (0, 40), (1, 1), (0, 0.2), (1, 1), (0, 0.3), (1, 2), (0, 30)])
        let st = DwellStatistics(s, tCrit: 4)
        XCTAssertEqual(st.bursts.count, 2)
        XCTAssertEqual(st.bursts[0].openings, 2)
        XCTAssertEqual(st.bursts[0].length, 5.5, accuracy: 1e-12)
        XCTAssertEqual(st.bursts[0].openTime, 5, accuracy: 1e-12)
        XCTAssertEqual(st.bursts[1].openings, 3)
        XCTAssertEqual(st.bursts[1].length, 4.5, accuracy: 1e-12)
        XCTAssertEqual(st.bursts[1].popen, 4 / 4.5, accuracy: 1e-12)
    }
}
