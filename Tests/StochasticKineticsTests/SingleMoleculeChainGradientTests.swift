// The single-molecule reverse pass: dual numbers (K = 0, none) and the general loop (K = 1).
import Foundation
import StochasticKinetics
import XCTest

final class SingleMoleculeChainGradientTests: XCTestCase {
    /// Chain and general reverse passes on one path with the oracle's loss (times, dwells, grid).
    func gradients(_ network: ReactionNetwork, observable: Observable, horizon: SimulationHorizon, seed: UInt64,
                   options: GradientOptions, barriersEvery: Int = 0, coordinates: [Double]? = nil)
        throws -> (chain: [Double], general: [Double], path: Trajectory, loss: OracleLoss) {
        let path = try DirectMethodSimulator(network: network).simulate(coordinates: coordinates, horizon: horizon, seed: seed)
        let loss = OracleLoss(observable: observable, grid: [0.2, 0.5, 0.9].map { $0 * path.endTime })
        var adjoint = loss.adjoint(path, network: network)
        if barriersEvery > 0 {
            for n in stride(from: barriersEvery, through: path.eventCount, by: barriersEvery) { adjoint.cutStateAdjoint(atEvent: n) }
        }
        let chain = try StraightThroughGradient(network: network, options: options)
        XCTAssertTrue(chain.hasChainLoop)
        var general = chain
        general.usesChainLoop = false
        return (try chain.gradient(of: path, adjoint: adjoint, coordinates: coordinates),
                try general.gradient(of: path, adjoint: adjoint, coordinates: coordinates), path, loss)
    }

    func assertClose(_ a: [Double], _ b: [Double], relative: Double, _ label: String) {
        let scale = b.map(abs).max()!
        XCTAssertGreaterThan(scale, 0, label)
        for k in a.indices { XCTAssertEqual(a[k], b[k], accuracy: relative * scale, "\(label), parameter \(k)") }
    }

    /// Untruncated and K = 0, the three surrogate forms (τ = 0.5 squares, 0.3 exp/log, 0.25 the
    /// integer power w⁴): the chain loop equals forward-mode dual numbers through the surrogate.
    func testChainMatchesDualNumbers() throws {
        let channel = try loadModel("channel3")
        for (network, observable) in [(channel, Observable.species(2, of: channel)),
                                      (try fiveStateScheme(), Observable(weights: [0, 0, 1, 1.5, 0]))] {
            for (tau, truncation) in [(0.5, nil), (0.3, nil), (0.25, nil), (0.5, 0)] as [(Double, Int?)] {
                let g = try gradients(network, observable: observable, horizon: .time(0.05), seed: 11,
                                      options: GradientOptions(temperature: tau, truncation: truncation))
                XCTAssertGreaterThan(g.path.eventCount, 20)
                let oracle = network.parameters.indices.map {
                    g.loss.dualDerivative(g.path, network: network, direction: $0, temperature: tau, straightThrough: truncation != 0)
                }
                let label = "\(network.reactionCount) reactions, τ \(tau), K \(truncation.map(String.init) ?? "none")"
                assertClose(g.chain, oracle, relative: 1e-9, label)
                assertClose(g.general, oracle, relative: 1e-9, label)
            }
        }
    }

    /// K = 1 (the default), K = 0 and none over long paths, with and without barriers, both
    /// surrogate forms (τ = 0.5 squares, τ = 1 the integer power): the general loop's result to rounding.
    func testChainMatchesTheGeneralLoopAtDefaultTruncation() throws {
        let channel = try loadModel("channel3")
        for (network, observable) in [(channel, Observable.species(2, of: channel)),
                                      (try fiveStateScheme(), Observable(weights: [0, 0, 1, 1.5, 0]))] {
            for tau in [0.5, 1.0] {
                for truncation in [1, 0, nil] as [Int?] {
                    for barriers in [0, 7] {
                        let g = try gradients(network, observable: observable, horizon: .events(20_000), seed: 5,
                                              options: GradientOptions(temperature: tau, truncation: truncation),
                                              barriersEvery: barriers)
                        assertClose(g.chain, g.general, relative: 1e-11,
                                    "\(network.reactionCount) reactions, τ \(tau), K \(truncation.map(String.init) ?? "none"), barriers \(barriers)")
                    }
                }
            }
        }
    }

    /// A never-firing reaction gets exactly zero, as in the general loop.
    func testZeroRateGetsZeroGradient() throws {
        let network = try fiveStateScheme()
        let g = try gradients(network, observable: Observable(weights: [0, 0, 1, 1.5, 0]), horizon: .events(5000), seed: 3,
                              options: GradientOptions(), coordinates: fiveStateZeroRateCoordinates(network))
        assertClose(g.chain, g.general, relative: 1e-11, "zero rate")
        XCTAssertEqual(g.chain[6], 0)
        XCTAssertEqual(g.general[6], 0)
    }
}
