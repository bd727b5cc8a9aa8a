// Reduced-size end-to-end fits by gradient descent from wrong, ratio-breaking starts.
import Foundation
import StochasticKinetics
import XCTest

final class FitTests: XCTestCase {
    func testDimerizationRatesAreRecovered() throws {
        let network = try loadModel("dimerization")             // kf 0.02, kb 1, A(0) = 100
        let truth = network.parameterCoordinates
        let a = Observable.species(0, of: network)
        let windows: [ClosedRange<Double>] = [0...0.05, 0.05...0.1, 0.1...0.2, 0.2...0.4, 0.4...0.8, 0.8...1.6, 1.6...3.2]
        let targets = try WindowAverageFit.windowMeans(network: network, observables: [a], windows: windows,
                                                       trajectories: 20000, seed: 1000)
        let fit = try WindowAverageFit(network: network, observables: [a], windows: windows, targets: targets, scales: [1],
                                       trajectoriesPerIteration: 64,
                                       // Copy-number species remember a choice for many events: truncating the
                                       // state adjoint (K = 1, right for single channels) loses most of the
                                       // equilibrium sensitivity here, while the untruncated estimator matches
                                       // finite differences within a few percent (README, "Choosing K").
                                       options: GradientOptions(temperature: 0.5, truncation: nil))
        let start = [truth[0] + log(3.0), truth[1] + log(0.5)]     // kf × 3, kb ÷ 2: breaks the ratio
        let clock = ContinuousClock(), t0 = clock.now
        let result = try fit.run(start: start, iterations: 600,
                                 schedule: .exponentialDecay(initial: 0.05, final: 0.005, iterations: 600), seed: 1)
        let errors = zip(result.estimate, truth).map { exp($0 - $1) - 1 }
        print("dimerization fit: relative errors \(errors), wall \(clock.now - t0)")
        for e in errors { XCTAssertLessThan(abs(e), 0.02) }
    }
}
