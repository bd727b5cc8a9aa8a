import Foundation
import PatchFitTestSupport
import SignalProcessing
import XCTest

final class LineNoiseFilterTests: XCTestCase {
    /// A random telegraph signal (switching with probability 0.005 a sample) plus noise;
    /// the openings must survive the notch.
    func telegraph(n: Int, seed: UInt64) -> [Double] {
        var rng = TestRandom(seed: seed)
        var open = false
        return (0..<n).map { _ in
            if rng.uniform() < 0.005 { open.toggle() }
            return (open ? 1.2 : 0) + 0.2 * rng.normal()
        }
    }

    /// 50 Hz and its 3rd harmonic are found and removed to below 2 % of their amplitude,
    /// while the rest of the record is unchanged to within the noise the fit absorbs.
    func testAutoDetects50HzAndRemovesIt() throws {
        let fs = 10_000.0, n = 100_000
        let clean = telegraph(n: n, seed: 3)
        let hum = (0..<n).map { 0.5 * sin(2 * Double.pi * 50 * Double($0) / fs + 0.3)
                                + 0.2 * cos(2 * Double.pi * 150 * Double($0) / fs) }
        let x = zip(clean, hum).map(+)
        let (y, report) = try LineNoiseFilter(mode: .auto).apply(x, sampleInterval: 1 / fs)
        XCTAssertEqual(report.lineFrequency, 50)
        XCTAssertTrue(report.harmonics.contains(1) && report.harmonics.contains(3))
        let err = zip(y, clean).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(n)
        // The injected hum is 0.38 RMS. The 1-s fit also absorbs the telegraph's own power in
        // its ±1 Hz band: its Lorentzian density near 50 Hz (~6e-4 /Hz) predicts ≈ 0.035 RMS,
        // so anything under 0.05 (a 17 dB reduction) is the notch working as designed.
        XCTAssertLessThan(err.squareRoot(), 0.05)
    }

    func testAutoDetects60HzAndLeavesCleanRecordsAlone() throws {
        let fs = 20_000.0, n = 100_000
        let clean = telegraph(n: n, seed: 5)
        let (same, none) = try LineNoiseFilter(mode: .auto).apply(clean, sampleInterval: 1 / fs)
        XCTAssertNil(none.lineFrequency)
        XCTAssertTrue(same == clean)
        let x = clean.enumerated().map { $1 + 0.3 * sin(2 * Double.pi * 60 * Double($0) / fs) }
        let (_, report) = try LineNoiseFilter(mode: .auto).apply(x, sampleInterval: 1 / fs)
        XCTAssertEqual(report.lineFrequency, 60)
    }

    func testBadLineFrequencyThrows() {
        XCTAssertThrowsError(try LineNoiseFilter(mode: .frequency(-50)).apply(telegraph(n: 2000, seed: 1), sampleInterval: 1e-4))
    }
}
