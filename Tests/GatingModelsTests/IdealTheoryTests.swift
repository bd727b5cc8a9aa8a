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

/// The concentration–Popen curve of CH82 (REFERENCE.md §2).
///
/// SCALCS finds EC50 by bisection only until the normalised response is within 0.001 of
/// 0.5, so its EC50s carry up to ~0.2 % error; its nH is a finite-difference slope at that
/// EC50. Tests therefore check (a) our EC50 is exact (Popen there is max/2 to 1e-9) and
/// (b) the golden EC50 meets SCALCS's own criterion on our curve, (c) nH within what the
/// golden EC50's offset implies (2e-4). For the HJC curve SCALCS's maximum search stopped at
/// ~24.9 µM (0.961848 is our HJC curve's value there); the curve itself keeps rising to a
/// plateau of 0.98156 at ≥ 10 mM (missed brief shuttings of A2R lengthen apparent
/// openings), which `PopenCurve` reports. Relative to SCALCS's maximum our HJC curve gives
/// its EC50 to 1e-4. The golden HJC nH (1.90505) is not the slope of the HJC curve (1.9268 at
/// SCALCS's maximum, 1.8889 at the plateau) but of the ideal one (`PopenCurveGoldenTests`).
final class PopenCurveTests: XCTestCase {
    func testIdealCurve() throws {
        let s = try ch82()
        let c = try PopenCurve.analyse(s)
        assertRelative(c.maximum, 0.967739, 5e-5, "ideal max")
        let atEC50 = try PopenCurve.popen(s, RecordConditions(concentration: c.ec50), resolution: nil)
        XCTAssertEqual(atEC50, c.maximum / 2, accuracy: 1e-9)
        let atGolden = try PopenCurve.popen(s, RecordConditions(concentration: 2.40803e-6), resolution: nil)
        XCTAssertEqual(atGolden / c.maximum, 0.5, accuracy: 0.001, "golden EC50 meets SCALCS's criterion")
        assertRelative(c.ec50, 2.40803e-6, 2.5e-3, "ideal EC50 (SCALCS tolerance)")
        assertRelative(c.hillCoefficient, 1.89185, 2e-4, "ideal nH")
    }

    func testApparentCurveAt100Microseconds() throws {
        let s = try ch82()
        let c = try PopenCurve.analyse(s, resolution: 100e-6)
        XCTAssertEqual(c.maximum, 0.98156, accuracy: 1e-4, "HJC plateau")
        let p: (Double) -> Double = { (try? PopenCurve.popen(s, RecordConditions(concentration: $0), resolution: 100e-6)) ?? .nan }
        // SCALCS's maximum is our curve's value near 24.9 µM.
        XCTAssertEqual(p(2.4923e-5), 0.961848, accuracy: 1e-5)
        // EC50 relative to that maximum: bisection in log c.
        let golden = 0.961848
        var lo = log(1e-7), hi = log(1e-4)
        for _ in 0..<100 { let m = 0.5 * (lo + hi); if p(exp(m)) < golden / 2 { lo = m } else { hi = m } }
        let ec50 = exp(0.5 * (lo + hi))
        assertRelative(ec50, 2.36034e-6, 1e-4, "HJC EC50 relative to SCALCS's maximum")
        // nH of `analyse` is the logit slope at its own EC50 relative to its own maximum.
        let h = 1e-4
        let logit: (Double) -> Double = { x in let v = p(c.ec50 * exp(x)); return log(v / (c.maximum - v)) }
        assertRelative(c.hillCoefficient, (logit(h) - logit(-h)) / (2 * h), 1e-6, "HJC nH self-consistent")
        XCTAssertEqual(p(c.ec50), c.maximum / 2, accuracy: 1e-9)
    }
}

/// The small generators of REFERENCE.md §2 (kA = 1) against closed-form oracles.
final class SmallGeneratorTests: XCTestCase {
    func testCKS() throws {
        let q = try QMatrix(Matrix([[-1, 1, 0], [19, -29, 10], [0, 0.026, -0.026]]), conductanceClasses: [1, 0, 0])
        // Detailed balance: p ∝ [19, 1, 10/0.026].
        let w = [19.0, 1, 10 / 0.026], total = w.reduce(0, +)
        let p = try q.equilibriumOccupancies()
        for i in 0..<3 { XCTAssertEqual(p[i], w[i] / total, accuracy: 1e-12) }
        let open = try q.idealOpenTimePDF()
        XCTAssertEqual(open.rates, [1], "one open state leaving at rate 1")
        // Shut rates: eigenvalues of [[29, −10], [−0.026, 0.026]]: (tr ± √(tr² − 4 det)) / 2.
        let tr = 29.026, det = 29 * 0.026 - 10 * 0.026
        let shut = try q.idealShutTimePDF()
        XCTAssertEqual(shut.rates[0], (tr + (tr * tr - 4 * det).squareRoot()) / 2, accuracy: 1e-10)
        XCTAssertEqual(shut.rates[1], (tr - (tr * tr - 4 * det).squareRoot()) / 2, accuracy: 1e-12)
        // Mean shut time: φF (−Q_FF)⁻¹ u with φF = [1, 0]: (1 + 10/0.026)/19.
        XCTAssertEqual(shut.mean, (1 + 10 / 0.026) / 19, accuracy: 1e-9)
    }

    func testCB() throws {
        let q = try QMatrix(Matrix([[-2, 1, 1, 0], [1, -101, 0, 100], [50, 0, -50, 0], [0, 5.6, 0, -5.6]]),
                            conductanceClasses: [1, 0, 0, 0])
        let p = try q.equilibriumOccupancies()
        // pQ = 0 and Σp = 1.
        let pq = p * q.matrix
        for v in pq { XCTAssertEqual(v, 0, accuracy: 1e-12) }
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-12)
        // Mean open time 1/2 s; mean shut time from detailed balance: (1 − Popen)/(Popen · 2).
        XCTAssertEqual(try q.idealOpenTimePDF().mean, 0.5, accuracy: 1e-12)
        let po = try q.popen()
        XCTAssertEqual(try q.idealShutTimePDF().mean, (1 - po) / (po * 2), accuracy: 1e-10)
    }
}

/// SCALCS's (DCPROGS's) EC50 and Hill slope, step for step: bisection on (0, c_max) that
/// stops once the normalised response is within 0.001 of 0.5, then HJC_HILL's secant slopes
/// on a 64-point grid over 0.9–1.1 × EC50, interpolated to the EC50. Run on our curve with
/// SCALCS's maximum they must give REFERENCE.md's golden numbers: that shows the curve is
/// right at every point those algorithms read (the goldens differ from the exact EC50/nH of
/// the same curve only through these stopping rules).
private enum SCALCS {
    static func ec50(_ popen: (Double) -> Double, cMax: Double, pMax: Double) -> Double {
        let p0 = popen(0)
        var lo = 0.0, hi = cMax, ec50 = cMax, error = 1.0
        let maxSteps = Int(log10(cMax / 0.1e-9) / log10(2) + 0.5)
        var step = 0
        while abs(error) > 0.001 && step <= maxSteps {
            ec50 = 0.5 * (lo + hi)
            error = abs((popen(ec50) - p0) / (pMax - p0)) - 0.5
            if error < 0 { lo = ec50 } else if error > 0 { hi = ec50 }
            step += 1
        }
        return ec50
    }

    /// `p0` is SCALCS's Popen0: the ideal Popen at zero concentration when that is < 1e-10.
    static func hillSlope(_ popen: (Double) -> Double, ec50: Double, pMax: Double, p0: Double) -> Double {
        let n = 64
        let dc = (log10(ec50 * 1.1) - log10(ec50 * 0.9)) / Double(n - 1)
        let c = (0..<n).map { ec50 * 0.9 * pow(10, Double($0) * dc) }
        let y = c.map { log10(abs((popen($0) - p0) / (pMax - popen($0)))) }
        let i = (0..<(n - 1)).first { c[$0] <= ec50 && c[$0 + 1] >= ec50 }!
        let s1 = (y[i + 1] - y[i]) / (log10(c[i + 1]) - log10(c[i]))
        let s2 = (y[i + 2] - y[i + 1]) / (log10(c[i + 2]) - log10(c[i + 1]))
        return s1 + (s2 - s1) / (c[i + 1] - c[i]) * (ec50 - c[i])
    }
}

final class PopenCurveGoldenTests: XCTestCase {
    /// SCALCS's half-decade walk for the ideal maximum stopped at 0.1 M (the golden maximum is
    /// our curve's value there to 6 figures; at the next half-decade it is 0.967741).
    func testIdealCurveThroughSCALCSAlgorithmsGivesTheGoldens() throws {
        let s = try ch82()
        let popen: (Double) -> Double = { (try? PopenCurve.popen(s, RecordConditions(concentration: $0), resolution: nil)) ?? .nan }
        let pMax = popen(0.1)
        assertRelative(pMax, 0.967739, 5e-6, "ideal max")
        let ec50 = SCALCS.ec50(popen, cMax: 0.1, pMax: pMax)
        assertRelative(ec50, 2.40803e-6, 5e-6, "ideal EC50")
        assertRelative(SCALCS.hillSlope(popen, ec50: ec50, pMax: pMax, p0: popen(0)), 1.89185, 5e-6, "ideal nH")
    }

    /// The HJC golden maximum (0.961848) is where SCALCS's search stopped, not a maximum of the
    /// curve (see `PopenCurveTests`). The golden HJC nH (1.90505) is HJC_HILL's slope read off
    /// the IDEAL curve at the HJC EC50 relative to that HJC maximum: 1.9050537. On the HJC curve
    /// itself the same algorithm gives 1.92678, with the ideal maximum 1.9151, the plateau 1.8887,
    /// other resolutions (20–120 µs) 1.907–1.931 — only this combination gives six figures, so
    /// the older SCALCS that produced REFERENCE.md evidently evaluated its 64-point grid without
    /// the resolution. Our own `PopenCurve` reports the HJC curve's slope (1.8889 at the plateau).
    func testHJCHillSlopeThroughSCALCSAlgorithm() throws {
        let s = try ch82()
        let hjc: (Double) -> Double = { (try? PopenCurve.popen(s, RecordConditions(concentration: $0), resolution: 100e-6)) ?? .nan }
        let ideal: (Double) -> Double = { (try? PopenCurve.popen(s, RecordConditions(concentration: $0), resolution: nil)) ?? .nan }
        let pMax = hjc(2.4923e-5)
        assertRelative(pMax, 0.961848, 5e-6, "HJC max where SCALCS stopped")
        // SCALCS's Popen0 is the ideal Popen at c = 0 (0 for CH82), where HJC is undefined.
        let ec50 = SCALCS.ec50({ $0 == 0 ? ideal(0) : hjc($0) }, cMax: 2.4923e-5, pMax: pMax)
        assertRelative(ec50, 2.36034e-6, 1e-3, "HJC EC50 (SCALCS tolerance)")
        assertRelative(SCALCS.hillSlope(ideal, ec50: 2.36034e-6, pMax: 0.961848, p0: 0), 1.90505, 5e-6, "HJC nH (golden)")
        assertRelative(SCALCS.hillSlope(hjc, ec50: 2.36034e-6, pMax: 0.961848, p0: 0), 1.92678, 5e-5, "HJC curve's own slope there")
    }

    /// Cross-check against SCALCS 1.2.0 itself (PyPI `scalcs`, samples.CH82(), popen.Popen at
    /// t_res = 0 and 100 µs; run once by hand, values pasted): our ideal and HJC curves agree
    /// to 3e-8 at every concentration. SCALCS 1.2.0's own summary (HJC max 0.9815721 at its
    /// stop 0.316 M, EC50 2.411315 µM, nH 1.886499; ideal 0.9677411, 2.403812 µM, 1.892017)
    /// comes out of its algorithms (exact EC50 since 2026-09, HJC_HILL slope) run on our
    /// curve with that stop — including the HJC nH. REFERENCE.md's HJC
    /// goldens are from an older SCALCS whose maximum search stopped at ~24.9 µM.
    func testCurvesMatchSCALCS120() throws {
        let s = try ch82()
        let scalcs: [(c: Double, hjc: Double, ideal: Double)] = [
            (1e-7, 0.0019067614, 0.0018868627), (1e-6, 0.1526112322, 0.1509244340),
            (2.36034e-6, 0.4808894282, 0.4755130404), (1e-5, 0.9088048709, 0.8982157817),
            (2.4923e-5, 0.9618480170, 0.9500138051), (1e-3, 0.9812893966, 0.9674873098),
        ]
        for v in scalcs {
            let conditions = RecordConditions(concentration: v.c)
            assertRelative(try PopenCurve.popen(s, conditions, resolution: 100e-6), v.hjc, 5e-8, "HJC Popen at \(v.c)")
            assertRelative(try PopenCurve.popen(s, conditions, resolution: nil), v.ideal, 5e-8, "ideal Popen at \(v.c)")
        }
        for (resolution, expected) in [(100e-6, (0.9815720678, 2.411314667e-6, 1.886499456)),
                                       (nil, (0.9677411458, 2.403811778e-6, 1.892016619))] as [(Double?, (Double, Double, Double))] {
            let popen: (Double) -> Double = { (try? PopenCurve.popen(s, RecordConditions(concentration: $0), resolution: resolution)) ?? .nan }
            let cMax = 1e-9 * pow(10.0.squareRoot(), 17)
            let pMax = popen(cMax)
            // SCALCS 1.2.0 finds EC50 by Brent's method to ~1e-12 (changed 2026-09 from the
            // 0.001-in-Popen bisection that made REFERENCE.md's EC50s): bisect in log c here.
            var lo = log(1e-9), hi = log(cMax)
            for _ in 0..<200 { let m = 0.5 * (lo + hi); if popen(exp(m)) < pMax / 2 { lo = m } else { hi = m } }
            let ec50 = exp(0.5 * (lo + hi))
            assertRelative(pMax, expected.0, 1e-7, "SCALCS 1.2.0 max")
            assertRelative(ec50, expected.1, 1e-6, "SCALCS 1.2.0 EC50")
            assertRelative(SCALCS.hillSlope(popen, ec50: ec50, pMax: pMax, p0: 0), expected.2, 1e-6, "SCALCS 1.2.0 nH")
        }
    }
}
