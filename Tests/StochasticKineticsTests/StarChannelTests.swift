// The star channel's stationary Popen and its gradient, the reference of the three-exit bias study.
import Foundation
import StochasticKinetics
import XCTest

final class StarChannelTests: XCTestCase {
    let opening = [2000.0, 1500, 600], closing = [3000.0, 800, 5000]

    /// ∂Popen/∂log k against central differences of the closed form (step 1e-5 in log k:
    /// truncation error ~1e-10, rounding ~1e-11).
    func testGradientIsTheDerivativeOfPopen() {
        let exact = StarChannel.openProbabilityGradient(opening: opening, closing: closing)
        let h = 1e-5
        for k in 0..<6 {
            func popen(_ shift: Double) -> Double {
                var c = opening, o = closing
                if k % 2 == 0 { c[k / 2] *= exp(shift) } else { o[k / 2] *= exp(shift) }
                return StarChannel.openProbability(opening: c, closing: o)
            }
            XCTAssertEqual(exact[k], (popen(h) - popen(-h)) / (2 * h), accuracy: 1e-8, "parameter \(k)")
        }
    }

    /// One long simulated trajectory: its open fraction and its transition rate match the
    /// stationary values (10⁶ events; correlation times are ~1 ms, so the SE of the open
    /// fraction is ~0.001 and 0.005 is > 4 SE).
    func testSimulationHasTheStationaryPopenAndEventRate() throws {
        let network = try StarChannel.network(opening: opening, closing: closing)
        XCTAssertEqual(network.speciesCount, 4)
        XCTAssertEqual(network.parameters.map(\.name), ["c1", "o1", "c2", "o2", "c3", "o3"])
        let path = try DirectMethodSimulator(network: network).simulate(horizon: .events(1_000_000), seed: 21)
        let open = Observable(weights: [0, 1, 1, 1])
        let series = path.observableSeries(open, network: network)
        let fraction = TrajectoryStatistics.timeAverage(path, series: series, from: 0, to: path.endTime)
        XCTAssertEqual(fraction, StarChannel.openProbability(opening: opening, closing: closing), accuracy: 0.005)
        let rate = Double(path.eventCount) / path.endTime
        XCTAssertEqual(rate / StarChannel.eventRate(opening: opening, closing: closing), 1, accuracy: 0.005)
    }

    func testMismatchedRatesAreRejected() {
        XCTAssertThrowsError(try StarChannel.network(opening: [1, 2], closing: [3]))
        XCTAssertThrowsError(try StarChannel.network(opening: [], closing: []))
        XCTAssertThrowsError(try StarChannel.network(opening: [-1], closing: [3]))
    }
}
