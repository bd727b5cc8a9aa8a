import Foundation
import Idealization
import PatchData
import XCTest

/// Transitions timed at the half-amplitude crossing between samples, and brief events given
/// back the duration the Gaussian filter took from them (`FilterWidthCorrection`).
final class TransitionTimingTests: XCTestCase {
    let provenance = Provenance(file: "", format: .synthetic)

    func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// An event that just reaches half amplitude lasts the half-amplitude rule's dead time:
    /// 2·Φ⁻¹(¾)·σ = 1.34898σ = 0.17874/f_c (REFERENCE.md's 0.179/f_c to its 3 figures).
    func testZeroWidthIsTheDeadTime() {
        XCTAssertEqual(FilterWidthCorrection.trueDuration(halfAmplitudeWidth: 0), 1.3489795, accuracy: 1e-6)
        XCTAssertEqual(FilterWidthCorrection.trueDuration(halfAmplitudeWidth: 0) * 0.1325, 0.179, accuracy: 5e-4)
    }

    /// The inversion against a second method: a rectangular pulse convolved numerically with
    /// the Gaussian (grid σ/400), its half-amplitude width found by bisection on the filtered
    /// curve. Agreement to 1e-4 σ covers the quadrature error.
    func testInversionAgreesWithNumericalConvolution() {
        for d in [1.4, 1.7, 2.0, 3.0, 4.5] {
            let h = 1.0 / 400
            func filtered(_ t: Double) -> Double {        // ∫₀^d φ(t − s) ds by the midpoint rule
                let n = Int((d / h).rounded())
                var sum = 0.0
                for k in 0..<n { let s = (Double(k) + 0.5) * d / Double(n); sum += exp(-0.5 * (t - s) * (t - s)) }
                return sum * d / Double(n) / (2 * Double.pi).squareRoot()
            }
            var lo = -5.0, hi = d / 2                      // rising flank: filtered(lo) < ½ ≤ filtered(hi)
            for _ in 0..<60 { let m = 0.5 * (lo + hi); if filtered(m) < 0.5 { lo = m } else { hi = m } }
            let width = d - 2 * lo                         // symmetric about d/2
            XCTAssertLessThan(width, d, "a brief pulse is measured short")
            XCTAssertEqual(FilterWidthCorrection.trueDuration(halfAmplitudeWidth: width), d, accuracy: 1e-4, "d = \(d)σ")
        }
    }

    /// Samples of a filtered step at 10.3 (σ = 1.3 samples): interpolated timing puts the
    /// transition at 10.3 (to the linear interpolation's error on the flank) also when the path
    /// flips one or two samples off the crossing (as a Viterbi path does when the levels' SDs
    /// differ); sample timing at 10.5, so the first dwell lasts 11 whole samples.
    func testStepIsTimedWhereItCrossesHalfAmplitude() {
        let sigma = 1.3, t0 = 10.3
        let y = (0..<40).map { normalCDF((Double($0) - t0) / sigma) }
        let path = y.map { UInt8($0 >= 0.5 ? 1 : 0) }
        let interpolated = LevelPath.dwells(path: path, samples: y, segments: [0..<40], sampleInterval: 1, closedLevel: 0,
                                            classOf: [0, 1], crossingCurrents: [0, 1], provenance: provenance)
        XCTAssertEqual(interpolated.dwells.map(\.duration)[0], t0 + 0.5, accuracy: 0.01)
        XCTAssertEqual(interpolated.totalDuration, 40, accuracy: 1e-12)
        for offset in [-2, -1, 1, 2] {
            let shifted = (0..<40).map { UInt8($0 > 10 + offset ? 1 : 0) }
            let d = LevelPath.dwells(path: shifted, samples: y, segments: [0..<40], sampleInterval: 1, closedLevel: 0,
                                     classOf: [0, 1], crossingCurrents: [0, 1], provenance: provenance)
            XCTAssertEqual(d.dwells.map(\.duration)[0], t0 + 0.5, accuracy: 0.01, "path off by \(offset)")
        }
        let far = (0..<40).map { UInt8($0 > 13 ? 1 : 0) }          // 3 samples off: not searched
        XCTAssertEqual(LevelPath.dwells(path: far, samples: y, segments: [0..<40], sampleInterval: 1, closedLevel: 0, classOf: [0, 1],
                                        crossingCurrents: [0, 1], provenance: provenance).dwells.map(\.duration)[0], 14)
        let sampled = LevelPath.dwells(path: path, samples: y, segments: [0..<40], sampleInterval: 1, closedLevel: 0,
                                       classOf: [0, 1], provenance: provenance)
        XCTAssertEqual(sampled.dwells.map(\.duration), [11, 29])
    }

    /// A brief opening of 1.6σ between long shut times, noise-free (σ = 3 samples): its
    /// half-amplitude width is 1.19σ; with the filter's σ given it gets its duration back (to
    /// the linear interpolation's error near the rounded peak) and the shut times give up what
    /// it gains.
    func testBriefEventGetsItsTrueDurationBack() {
        let sigma = 3.0, start = 40.2, width = 1.6 * sigma, n = 100
        let y = (0..<n).map { t in normalCDF((Double(t) - start) / sigma) - normalCDF((Double(t) - start - width) / sigma) }
        let path = y.map { UInt8($0 >= 0.5 ? 1 : 0) }
        func dwells(_ filterSigma: Double?) -> [Double] {
            LevelPath.dwells(path: path, samples: y, segments: [0..<n], sampleInterval: 1, closedLevel: 0, classOf: [0, 1],
                             crossingCurrents: [0, 1], filterSigma: filterSigma, provenance: provenance).dwells.map(\.duration)
        }
        let measured = dwells(nil), corrected = dwells(sigma)
        XCTAssertEqual(measured.count, 3)
        XCTAssertEqual(measured[1], 1.19 * sigma, accuracy: 0.05 * sigma)
        XCTAssertEqual(corrected[1], width, accuracy: 0.03 * sigma)
        XCTAssertEqual(corrected.reduce(0, +), Double(n), accuracy: 1e-9)
        XCTAssertEqual(corrected[0], start + 0.5, accuracy: 0.03 * sigma)
    }

    /// At the sampling of a real record (σ = 1.325 samples: 5 kHz at 50 kHz) a 40-µs event (2
    /// samples, 1.1 dead times) at ten sub-sample phases: the cubic between samples keeps the
    /// corrected duration within 0.04 samples (mean −0.013); a straight line between the two
    /// straddling samples cuts the rounded top and would leave it 0.08 samples (1.6 µs) short.
    func testBriefEventAtRealSampling() {
        let sigma = 1.325, width = 2.0, n = 60
        var corrected: [Double] = []
        for phase in stride(from: 0.0, to: 1.0, by: 0.1) {
            let start = 25 + phase
            let y = (0..<n).map { t in normalCDF((Double(t) - start) / sigma) - normalCDF((Double(t) - start - width) / sigma) }
            let path = y.map { UInt8($0 >= 0.5 ? 1 : 0) }
            let d = LevelPath.dwells(path: path, samples: y, segments: [0..<n], sampleInterval: 1, closedLevel: 0, classOf: [0, 1],
                                     crossingCurrents: [0, 1], filterSigma: sigma, provenance: provenance).dwells.map(\.duration)
            XCTAssertEqual(d.count, 3, "phase \(phase)")
            if d.count == 3 { corrected.append(d[1]) }
        }
        for c in corrected { XCTAssertEqual(c, width, accuracy: 0.04) }
        XCTAssertEqual(corrected.reduce(0, +) / Double(corrected.count), width, accuracy: 0.02)
    }

    /// Sample timing keeps Clampfit-like whole-sample durations through the whole idealiser;
    /// interpolated timing (the default) does not.
    func testSettingChoosesTheTiming() throws {
        let truth = Schemes.twoState(opening: 500, closing: 1000).simulate(duration: 1, seed: 7)
        let x = try MarkovSimulator.render(truth, dt: 1e-5, amplitude: 1, cutoff: 5000, noiseSD: 0.1, seed: 8)
        var settings = IdealisationSettings.renderedRecord(acquisitionCutoff: 5000, resolution: 0)
        settings.levelCount = 2
        XCTAssertEqual(settings.transitionTiming, .interpolated)
        let fine = try Idealiser.idealise(samples: x, sampleInterval: 1e-5, settings: settings)
        settings.transitionTiming = .samples
        let whole = try Idealiser.idealise(samples: x, sampleInterval: 1e-5, settings: settings)
        func isWhole(_ d: Double) -> Bool { abs(d / 1e-5 - (d / 1e-5).rounded()) < 1e-6 }
        XCTAssertTrue(whole.dwells.dwells.allSatisfy { isWhole($0.duration) })
        XCTAssertGreaterThan(fine.dwells.dwells.filter { !isWhole($0.duration) }.count, fine.dwells.count / 2)
        XCTAssertEqual(fine.dwells.count, whole.dwells.count)
        XCTAssertEqual(fine.dwells.totalDuration, whole.dwells.totalDuration, accuracy: 1e-9)
    }
}
