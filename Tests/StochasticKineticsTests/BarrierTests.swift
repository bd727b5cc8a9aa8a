import StochasticKinetics
import XCTest

/// Barriers in the state adjoint ("truncation at observed-level boundaries"): a barrier at an
/// event keeps only the adjoint of the state before it, so barriers at every event are
/// exactly truncation K = 1, and barriers nowhere are no truncation at all.
final class BarrierTests: XCTestCase {
    func testBarriersAtEveryEventEqualTruncationOne() throws {
        let network = try chainNetwork(forward: [1000, 2000], backward: [500, 800], channels: 3)
        let path = try DirectMethodSimulator(network: network).simulate(horizon: .events(400), seed: 4)
        var adjoint = TrajectoryAdjoint(for: path, speciesCount: network.speciesCount)
        for n in 0..<adjoint.times.count { adjoint.times[n] = Double(n % 7) - 3 }
        for i in adjoint.states.indices { adjoint.states[i] = Double(i % 5) * 1e-3 }
        var everywhere = adjoint
        for n in 1...path.eventCount { everywhere.cutStateAdjoint(atEvent: n) }

        let k1 = try StraightThroughGradient(network: network, options: GradientOptions(truncation: 1))
        let free = try StraightThroughGradient(network: network, options: GradientOptions(truncation: nil))
        let withBarriers = try free.gradient(of: path, adjoint: everywhere)
        let truncated = try k1.gradient(of: path, adjoint: adjoint)
        for (a, b) in zip(withBarriers, truncated) { XCTAssertEqual(a, b, accuracy: 1e-12 * max(1, abs(b))) }
        // Without barriers the untruncated adjoint differs (it carries across every event).
        XCTAssertNotEqual(try free.gradient(of: path, adjoint: adjoint), truncated)
    }
}
