import Foundation
import PatchFitTestSupport
import SignalProcessing
import XCTest

final class BaselineDriftTests: XCTestCase {
    /// A mostly shut record (brief upward openings) on a slow sine drift: the running 10th
    /// percentile, corrected by the noise quantile (−1.2816 σ for a Gaussian), tracks the drift
    /// to within 0.05 pA (noise σ 0.2, ~10^4 samples a window).
    func testRunningPercentileTracksClosedLevel() throws {
        var rng = TestRandom(seed: 9)
        let fs = 10_000.0, n = 200_000
        let drift = (0..<n).map { 0.5 * sin(2 * Double.pi * 0.2 * Double($0) / fs) }
        let x = (0..<n).map { i in drift[i] + ((i % 400) < 40 ? 1.5 : 0) + 0.2 * rng.normal() }
        let base = try BaselineDrift.runningPercentile(x, sampleInterval: 1 / fs, window: 0.5, percentile: 10)
        var worst = 0.0
        for i in stride(from: 5000, to: n - 5000, by: 100) { worst = max(worst, abs(base[i] + 1.2816 * 0.2 - drift[i])) }
        XCTAssertLessThan(worst, 0.05)
    }

    func testNoiseEstimates() {
        var rng = TestRandom(seed: 2)
        let x = (0..<100_000).map { i in ((i % 50) == 0 ? 5 : 0) + 0.3 * rng.normal() }
        // 2 % outliers at +5 move the MAD to the 51st percentile of |noise|: +2.3 %, so the
        // robust SD is within 5 % of 0.3; the band RMS (outliers excluded) within 2 %.
        XCTAssertEqual(NoiseEstimate.robustSD(x)!, 0.3, accuracy: 0.015)
        XCTAssertEqual(NoiseEstimate.closedLevelRMS(x, closedLevel: 0, halfWidth: 2.5)!, 0.3, accuracy: 0.006)
        XCTAssertNil(NoiseEstimate.rms([]))
    }
}
