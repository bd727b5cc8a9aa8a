import XCTest
import GatingModels

/// Ideal (no missed events) Q-matrix theory against the CH82 golden values of REFERENCE.md §2
/// (from the DCPROGS/SCALCS test suites).
final class IdealTheoryTests: XCTestCase {
    func testCH82QMatrixMatchesReference() throws {
        let q = try ch82().qMatrix(ch82Conditions).matrix
        let expected: [[Double]] = [[-3050, 50, 3000, 0, 0], [2.0 / 3, -1502.0 / 3, 0, 500, 0],
                                    [15, 0, -2065, 50, 2000], [0, 15000, 4000, -19000, 0], [0, 0, 10, 0, -10]]
        for i in 0..<5 { for j in 0..<5 {
            XCTAssertEqual(q[i, j], expected[i][j], accuracy: 1e-6 * max(1, abs(expected[i][j])), "q[\(i),\(j)]")
        } }
    }

    func testEquilibriumOccupanciesAndPopen() throws {
        let qm = try ch82().qMatrix(ch82Conditions)
        let p = try qm.equilibriumOccupancies()
        let golden = [2.48271e-5, 1.862036e-3, 4.965428e-3, 6.206785e-5, 0.9930856]
        for i in 0..<5 { assertRelative(p[i], golden[i], 5e-5, "p∞[\(i)]") }
        // Golden Popen is given to 4 figures (0.001887): compare at that precision.
        assertRelative(try qm.popen(), 0.001887, 2.7e-4, "Popen")
    }

    func testIdealOpenAndShutTimePDFs() throws {
        let qm = try ch82().qMatrix(ch82Conditions)
        let open = try qm.idealOpenTimePDF()
        assertRelative(open.rates[0], 3050.0131, 5e-5, "open fast rate")
        assertRelative(open.rates[1], 500.6536, 5e-5, "open slow rate")
        assertRelative(open.areas[0], 0.0724, 7e-4, "open fast area (golden to 3 figures)")
        assertRelative(open.areas[1], 0.9276, 5e-5, "open slow area")
        let shut = try qm.idealShutTimePDF()
        assertRelative(shut.rates[0], 19011.80, 5e-5, "shut rate 1")
        assertRelative(shut.rates[1], 2062.934, 5e-5, "shut rate 2")
        assertRelative(shut.rates[2], 0.263895, 5e-5, "shut rate 3")
        assertRelative(shut.areas[0], 0.7297, 7e-5, "shut area 1")
        assertRelative(shut.areas[1], 0.00837, 6e-4, "shut area 2 (golden to 3 figures)")
        assertRelative(shut.areas[2], 0.2619, 2e-4, "shut area 3")
        XCTAssertEqual(open.areas.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(shut.areas.reduce(0, +), 1, accuracy: 1e-12)
    }

    func testBurstStatistics() throws {
        let b = try ch82().qMatrix(ch82Conditions).burstStatistics()
        assertRelative(b.meanOpeningsPerBurst, 3.81864, 5e-5, "openings per burst")
        assertRelative(b.meanBurstLength, 7.3281e-3, 5e-5, "burst length")
        assertRelative(b.meanOpenTimePerBurst, 7.16585e-3, 5e-5, "open time per burst")
        assertRelative(b.popenWithinBursts, 0.97786, 5e-5, "Popen within bursts")
        assertRelative(b.meanGapBetweenBursts, 3790.43e-3, 5e-5, "gap between bursts")
        assertRelative(b.initialVector[0], 0.275362, 5e-6, "φb[0] (SCALCS test)")
        assertRelative(b.initialVector[1], 0.724638, 5e-6, "φb[1]")
    }

    func testCriticalTimesByTheDCCriterion() throws {
        let shut = try ch82().qMatrix(ch82Conditions).idealShutTimePDF()
        let t = shut.criticalTimes(.equalProportions)
        assertRelative(t[0], 0.23317e-3, 5e-5, "t_crit 1")
        assertRelative(t[1], 1.59619e-3, 5e-5, "t_crit 2")
        // The other criteria are defined by their equations: check the equation holds.
        let tau = shut.timeConstants, a = shut.areas
        let n = shut.criticalTimes(.equalNumbers)[1]
        XCTAssertEqual(a[0] * exp(-n / tau[0]) + a[1] * exp(-n / tau[1]), a[2] * (1 - exp(-n / tau[2])), accuracy: 1e-12)
    }
}
