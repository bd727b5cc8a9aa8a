// The ensemble-mean straight-through gradient of the mean shut time against first-passage theory.
import Foundation
import StochasticKinetics
import XCTest

final class MeanShutTimeGradientTests: XCTestCase {
    /// C1⇌C2⇌O (k12 1000, k21 500, k23 2000, k32 800): shut times start in C2, so the mean shut
    /// time is (k12 + k21)/(k12·k23) = 0.75 ms and ∂/∂log(k12, k21, k23, k32) =
    /// (−k21/(k12·k23), k21/(k12·k23), −0.75 ms, 0) = (−0.25, 0.25, −0.75, 0) ms. Also checked by
    /// central differences in log k (step 1e-5: truncation error ~1e-10 relative).
    func testExactReferenceMatchesClosedFormAndFiniteDifferences() {
        let f = [1000.0, 2000], b = [500.0, 800]
        XCTAssertEqual(LinearChain.meanPassageTime(forward: f, backward: b, from: 1), 0.75e-3, accuracy: 1e-15)
        let g = LinearChain.meanPassageTimeGradient(forward: f, backward: b, from: 1)
        for (a, e) in zip(g, [-0.25e-3, 0.25e-3, -0.75e-3, 0]) { XCTAssertEqual(a, e, accuracy: 1e-15) }
        // A longer chain (4 states, passage 2 → 3) against finite differences.
        let f4 = [300.0, 700, 1200], b4 = [900.0, 400, 250]
        let g4 = LinearChain.meanPassageTimeGradient(forward: f4, backward: b4, from: 2)
        let h = 1e-5
        for p in 0..<6 {
            func t(_ s: Double) -> Double {
                var ff = f4, bb = b4
                if p % 2 == 0 { ff[p / 2] *= exp(s) } else { bb[p / 2] *= exp(s) }
                return LinearChain.meanPassageTime(forward: ff, backward: bb, from: 2)
            }
            XCTAssertEqual(g4[p], (t(h) - t(-h)) / (2 * h), accuracy: 1e-8 * abs(g4[p]) + 1e-15, "parameter \(p)")
        }
    }

    /// Defaults (τ = 0.5, K = 1), 2000 trajectories of ~1250 events (~500 shut times each).
    /// The bias study (README) found: k12 (the only exit of C1) is carried by the exact
    /// waiting-time path and is unbiased; k32 cannot change a shut duration, and the adjoints of
    /// a duration's two ends cancel exactly, so its component is exactly 0; the competing exits of
    /// C2 (k21 : k23) carry a ~60 % bias at every τ and K (straight-through relaxation cannot see
    /// that C2 → C1 prolongs the dwell by a whole excursion), while no truncation diverges (6.6×).
    /// So: k12 within max(4 SE, 1 %), k32 = 0, k23 negative, and total relative bias < 0.7
    /// (measured 0.62; fails for untruncated carrying or a broken duration adjoint).
    func testEnsembleMeanGradientOfMeanShutTimeMatchesWhereTheEstimatorIsExact() throws {
        let model = BenchmarkModels.channel3
        let exact = LinearChain.meanPassageTimeGradient(forward: [1000, 2000], backward: [500, 800], from: 1)
        let row = try GradientBiasStudy.measureMeanDwell(network: model.network, observable: model.observable, level: 0,
                                                         exactGradient: exact, horizon: 1.0, trajectories: 2000,
                                                         options: GradientOptions(), seed: 78)
        let g = row.meanGradient
        XCTAssertEqual(g[0], exact[0], accuracy: max(4 * row.standardError[0], 0.01 * abs(exact[0])), "k12: \(g) vs \(exact)")
        XCTAssertEqual(g[3], 0, accuracy: 1e-12 * abs(exact[2]), "k32 must not move a shut duration")
        XCTAssertLessThan(g[2], 0)
        XCTAssertLessThan(row.relativeBias, 0.7, "mean \(g) vs exact \(exact)")
    }
}
