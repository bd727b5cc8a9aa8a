import Foundation
import PatchFitTestSupport
import SignalProcessing
import XCTest

final class GaussianFilterTests: XCTestCase {
    /// Normal CDF, the step response of a Gaussian filter.
    func phi(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    func testSigmaMatchesColquhounSigworth() {
        let f = GaussianFilter(cutoff: 1000)
        XCTAssertEqual(f.sigma * 1000, 0.1325, accuracy: 1e-4)
        XCTAssertEqual(f.gain(at: 1000), 1 / 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(f.deadTime, 179e-6, accuracy: 1e-12)
        XCTAssertEqual(GaussianFilter.combinedCutoff([1000, 1000]), 1000 / 2.0.squareRoot(), accuracy: 1e-9)
    }

    /// Steps placed across the chunk boundaries of a long record follow the analytic step
    /// response Φ((t − t0)/σ). The discrete kernel equals the sampled Gaussian g to ~1e-12 for
    /// σ = 5 samples, and the step between samples i0−1 and i0 is centred at i0 − 0.5; a sum of
    /// samples of g differs from the integral by −g′/24 (Euler–Maclaurin), which the oracle
    /// includes. The next term, −g‴/1920, is up to 5e-7 per step (σ = 5): tolerance 3e-6.
    func testStepResponseAcrossChunks() throws {
        let dt = 1e-5, n = 700_000
        // σ = √ln2 / (2π f_c) = 5 samples.
        let filter = GaussianFilter(cutoff: log(2.0).squareRoot() / (2 * Double.pi * 5 * dt))
        let sigmaSamples = filter.sigma / dt
        let steps = [1000, 262_100, 262_200, 524_300, 650_000]
        // Level k after the k-th step.
        let x = (0..<n).map { i in Double(steps.filter { $0 <= i }.count) }
        let y = try filter.apply(x, sampleInterval: dt)
        var worst = 0.0
        for i in 0..<n {
            var expected = 0.0
            for s in steps {
                let u = Double(i) - Double(s) + 0.5
                let g = exp(-u * u / (2 * sigmaSamples * sigmaSamples)) / (sigmaSamples * (2 * Double.pi).squareRoot())
                expected += phi(u / sigmaSamples) + u / (sigmaSamples * sigmaSamples) * g / 24
            }
            worst = max(worst, abs(y[i] - expected))
        }
        XCTAssertLessThan(worst, 3e-6)
    }

    /// A sinusoid at f_c comes out at 1/√2 of its amplitude (the −3 dB definition), and at
    /// 2 f_c at 2^(−2) (H = exp(−ln2/2 · 4)). Whole cycles and mirror ends: the middle of the
    /// record is exact to 1e-6.
    func testGainAtCutoff() throws {
        let dt = 1e-4, n = 20_000
        for (fc, ratio) in [(500.0, 1 / 2.0.squareRoot()), (250.0, 0.25)] {
            let x = (0..<n).map { sin(2 * Double.pi * 500 * Double($0) * dt) }
            let y = try GaussianFilter(cutoff: fc).apply(x, sampleInterval: dt)
            var a = 0.0, b = 0.0
            for i in 5000..<15000 { a += y[i] * x[i]; b += x[i] * x[i] }
            XCTAssertEqual(a / b, ratio, accuracy: 1e-6)
        }
    }

    /// White noise of variance s² comes out with variance s²·Σh² = s²/(2√π σ) (σ in samples);
    /// 10^6 samples give a relative standard error ≈ √(2·2√π σ/n) ≈ 1 % at σ = 20: tolerance 5 %.
    func testWhiteNoiseRMSReduction() throws {
        var rng = TestRandom(seed: 7)
        let dt = 1e-5, n = 1_000_000
        let x = (0..<n).map { _ in rng.normal() }
        let filter = GaussianFilter(cutoff: 1000)
        let y = try filter.apply(x, sampleInterval: dt)
        let sigmaSamples = filter.sigma / dt
        let expected = 1 / (2 * Double.pi.squareRoot() * sigmaSamples)
        let variance = y.reduce(0) { $0 + $1 * $1 } / Double(n)
        XCTAssertEqual(variance / expected, 1, accuracy: 0.05)
    }

    func testConstantRecordStaysConstantAtTheEnds() throws {
        let y = try GaussianFilter(cutoff: 100).apply([Double](repeating: -2.5, count: 1234), sampleInterval: 1e-4)
        XCTAssertEqual(y.first!, -2.5, accuracy: 1e-9)
        XCTAssertEqual(y.last!, -2.5, accuracy: 1e-9)
        XCTAssertEqual(y.max()! - y.min()!, 0, accuracy: 1e-9)
    }

    func testBadInputThrows() {
        let f = GaussianFilter(cutoff: 1000)
        XCTAssertThrowsError(try f.apply([Double](), sampleInterval: 1e-4)) {
            XCTAssertEqual($0 as? SignalProcessingError, .emptyRecord)
        }
        XCTAssertThrowsError(try f.apply([1, Double.nan, 2, Double.nan] as [Double], sampleInterval: 1e-4)) {
            XCTAssertEqual($0 as? SignalProcessingError, .nonFiniteSamples(index: 1, count: 2))
        }
        XCTAssertThrowsError(try f.apply([1, 2] as [Double], sampleInterval: 0))
        XCTAssertThrowsError(try GaussianFilter(cutoff: -1).apply([1, 2] as [Double], sampleInterval: 1e-4))
    }
}
