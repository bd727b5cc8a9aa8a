import Foundation
import PatchFitTestSupport
import SignalProcessing
import XCTest

final class PowerSpectrumTests: XCTestCase {
    /// White noise of variance 1 at fs has one-sided density 2/fs; integrating the estimate
    /// recovers the variance (Parseval). 2·10^5 samples, 4096-point segments, ~97 averages:
    /// the mean density over all bins is within 2 %.
    func testWhiteNoiseDensityAndParseval() throws {
        var rng = TestRandom(seed: 11)
        let fs = 10_000.0
        let x = (0..<200_000).map { _ in rng.normal() }
        let psd = try PowerSpectrum.welch(x, sampleInterval: 1 / fs)
        let inner = psd.density[1..<(psd.density.count - 1)]
        XCTAssertEqual(inner.reduce(0, +) / Double(inner.count) / (2 / fs), 1, accuracy: 0.02)
        XCTAssertEqual(psd.bandPower(from: 0, to: fs / 2), 1, accuracy: 0.02)
        XCTAssertEqual(psd.resolution, fs / 4096, accuracy: 1e-9)
    }

    /// A sinusoid of amplitude A carries power A²/2 in its band (Hann leakage spans ±2 bins).
    func testSinusoidPower() throws {
        let fs = 10_000.0, a = 3.0
        let x = (0..<100_000).map { a * sin(2 * Double.pi * 1234.5 * Double($0) / fs) }
        let psd = try PowerSpectrum.welch(x, sampleInterval: 1 / fs)
        XCTAssertEqual(psd.bandPower(from: 1234.5 - 4 * psd.resolution, to: 1234.5 + 4 * psd.resolution),
                       a * a / 2, accuracy: 0.01 * a * a / 2)
    }

    func testTooShortAndEmptyThrow() {
        XCTAssertThrowsError(try PowerSpectrum.welch([Double](repeating: 1, count: 8), sampleInterval: 1e-3))
        XCTAssertThrowsError(try PowerSpectrum.welch([Double](), sampleInterval: 1e-3))
    }
}
