// addTimeAverageAdjoint's fast interior loop gives exactly the clipped per-segment definition.
import Foundation
import StochasticKinetics
import XCTest

final class TimeAverageAdjointTests: XCTestCase {
    /// Windows starting at 0, inside the path, past its end; one weighted species (fast path)
    /// and two (general loop): every entry equals the definition evaluated segment by segment.
    func testAdjointEqualsTheSegmentDefinition() throws {
        let network = try loadModel("channel3")
        let path = try DirectMethodSimulator(network: network).simulate(horizon: .events(3000), seed: 17)
        for observable in [Observable.species(2, of: network), Observable(weights: [0, 0.5, 1])] {
            let series = path.observableSeries(observable, network: network)
            for (t0, t1) in [(0.0, path.endTime), (0.1 * path.endTime, 0.7 * path.endTime), (0.5 * path.endTime, 2 * path.endTime)] {
                var adjoint = TrajectoryAdjoint(for: path, speciesCount: 3)
                TrajectoryStatistics.addTimeAverageAdjoint(path, series: series, observable: observable, from: t0, to: t1,
                                                           weight: 0.7, into: &adjoint)
                var states = [Double](repeating: 0, count: (path.eventCount + 1) * 3)
                var times = [Double](repeating: 0, count: path.eventCount)
                let lo = max(t0, 0), hi = min(t1, path.endTime), scale = 0.7 / (hi - lo)
                for seg in 0...path.eventCount {
                    let start = max(path.segmentStart(seg), lo), end = min(path.segmentEnd(seg), hi)
                    guard end > start else { continue }
                    for s in 0..<3 where observable.weights[s] != 0 { states[seg * 3 + s] += scale * (end - start) * observable.weights[s] }
                    if seg >= 1 && path.eventTimes[seg - 1] > lo { times[seg - 1] += scale * (series[seg - 1] - series[seg]) }
                }
                XCTAssertEqual(adjoint.states.map(\.bitPattern), states.map(\.bitPattern), "\(observable.weights) [\(t0), \(t1)]")
                XCTAssertEqual(adjoint.times.map(\.bitPattern), times.map(\.bitPattern), "\(observable.weights) [\(t0), \(t1)]")
            }
        }
    }
}
