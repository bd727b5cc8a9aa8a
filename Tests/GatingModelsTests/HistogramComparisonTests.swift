import Foundation
import StochasticKinetics
import XCTest
import GatingModels

/// R² ceilings and the t_crit-limited shut histogram, against simulation of the counts.
final class HistogramComparisonTests: XCTestCase {
    /// Exponential dwells drawn from the very density the comparison predicts: the mean R²
    /// over many replicates equals the mean ceiling (within 0.003; replicate spread ~0.01).
    func testCeilingIsTheR2OfAPerfectModel() throws {
        let rate = 500.0, tRes = 1e-4
        let density: (Double) -> Double = { t in t < tRes ? 0 : rate * exp(-rate * (t - tRes)) }
        let ideal = ExponentialMixture(rates: [rate], areas: [1])
        var r2 = 0.0, ceiling = 0.0
        let replicates = 200
        for k in 0..<replicates {
            var draw = RandomStream(seed: 5, stream: UInt64(k))
            let d = (0..<800).map { _ in tRes - log(1 - draw.uniform()) / rate }
            let h = try XCTUnwrap(HistogramComparison.make(name: "x", kind: "open", durations: d, resolution: tRes,
                                                           apparentDensity: density, ideal: ideal))
            r2 += try XCTUnwrap(h.r2) / Double(replicates)
            ceiling += try XCTUnwrap(h.r2Ceiling) / Double(replicates)
        }
        XCTAssertEqual(r2, ceiling, accuracy: 0.003)
        XCTAssertLessThan(ceiling, 0.99)
    }

    /// With an upper limit only durations up to it are counted, and the predicted counts are
    /// the conditional density's: they add up to the count.
    func testUpperLimitConditionsThePrediction() throws {
        let rate = 500.0, tRes = 1e-4, limit = 3e-3
        let density: (Double) -> Double = { t in t < tRes ? 0 : rate * exp(-rate * (t - tRes)) }
        var draw = RandomStream(seed: 9, stream: 0)
        let d = (0..<5000).map { _ in tRes - log(1 - draw.uniform()) / rate }
        let h = try XCTUnwrap(HistogramComparison.make(name: "x", kind: "shut", durations: d, resolution: tRes, apparentDensity: density,
                                                       ideal: ExponentialMixture(rates: [rate], areas: [1]), upperLimit: limit))
        let kept = d.filter { $0 <= limit }.count
        XCTAssertEqual(h.count, kept)
        XCTAssertEqual(h.predictedCounts.reduce(0, +), Double(kept), accuracy: 1e-6 * Double(kept))
        XCTAssertGreaterThan(h.r2 ?? 0, 0.9)
    }
}
