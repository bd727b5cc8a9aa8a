import Foundation
import StochasticKinetics
import XCTest

final class OptimizerAndLossTests: XCTestCase {
    func testExponentialDecayScheduleHitsItsEnds() {
        let s = LearningRateSchedule.exponentialDecay(initial: 0.05, final: 0.005, iterations: 101)
        XCTAssertEqual(s.rate(at: 0), 0.05, accuracy: 1e-15)
        XCTAssertEqual(s.rate(at: 50), (0.05 * 0.005).squareRoot(), accuracy: 1e-12)   // geometric midpoint
        XCTAssertEqual(s.rate(at: 100), 0.005, accuracy: 1e-15)
        XCTAssertEqual(s.rate(at: 1000), 0.005, accuracy: 1e-15)
    }

    /// Adam and SGD minimise a badly scaled quadratic; iterate averaging lands on the minimum.
    func testOptimisersMinimiseAQuadratic() throws {
        let target = [1.0, -2.0]
        let objective: (Int, [Double]) -> (loss: Double, gradient: [Double]) = { _, x in
            (100 * (x[0] - 1) * (x[0] - 1) + (x[1] + 2) * (x[1] + 2), [200 * (x[0] - 1), 2 * (x[1] + 2)])
        }
        let adam = try GradientFit.run(start: [0, 0], iterations: 2000,
                                       optimizer: Adam(schedule: .exponentialDecay(initial: 0.1, final: 0.001, iterations: 2000)),
                                       objective: objective)
        let sgd = try GradientFit.run(start: [0, 0], iterations: 2000, optimizer: SGD(schedule: .constant(0.004)),
                                      objective: objective)
        for k in 0..<2 {
            XCTAssertEqual(adam.estimate[k], target[k], accuracy: 1e-3)
            XCTAssertEqual(sgd.estimate[k], target[k], accuracy: 1e-3)
        }
        XCTAssertThrowsError(try GradientFit.run(start: [0], iterations: 0, optimizer: SGD(schedule: .constant(1)), objective: objective))
    }

    /// The quantile loss's derivative w.r.t. each duration equals a central finite difference.
    func testQuantileMatchingGradientMatchesFiniteDifferences() throws {
        var rng = RandomStream(seed: 3)
        let observed = (0..<500).map { _ in rng.exponential() * 0.002 }
        let simulated = (0..<200).map { _ in rng.exponential() * 0.003 }
        let loss = try QuantileMatching(observedDurations: observed, probabilities: QuantileMatching.evenProbabilities(10))
        let (value, gradient) = loss.evaluate(simulatedDurations: simulated)
        XCTAssertGreaterThan(value, 0)
        XCTAssertEqual(gradient.filter { $0 != 0 }.count, 10)
        for i in simulated.indices where gradient[i] != 0 {
            // A step far smaller than the gap to neighbouring durations keeps the ranks unchanged.
            var plus = simulated, minus = simulated
            plus[i] *= 1 + 1e-7; minus[i] *= 1 - 1e-7
            let fd = (loss.evaluate(simulatedDurations: plus).loss - loss.evaluate(simulatedDurations: minus).loss)
                / (2e-7 * simulated[i])
            XCTAssertEqual(gradient[i], fd, accuracy: 1e-5 * abs(fd) + 1e-9)
        }
        XCTAssertThrowsError(try QuantileMatching(observedDurations: [], probabilities: [0.5]))
        XCTAssertThrowsError(try QuantileMatching(observedDurations: [1], probabilities: [1.5]))
    }
}
