// Truncation K ≥ 1 and barriers against forward-mode dual numbers whose state tangents are kept
// apart by the choice that made them and dropped after K states (`OracleLoss.dualDerivative`).
// Before these tests only K = 0 and no truncation had an independent oracle; K = 1, the default,
// and K ≥ 2 were checked only loop against loop.
import Foundation
import StochasticKinetics
import XCTest

final class TruncationOracleTests: XCTestCase {
    /// One path, the oracle's loss (time average, dwells, grid), barriers every `barriersEvery`
    /// events; every reverse loop in `loops` against the dual numbers, relative to the largest
    /// component. Returns the oracle.
    @discardableResult
    func assertMatchesDualNumbers(_ network: ReactionNetwork, observable: Observable, horizon: Double, seed: UInt64,
                                  options: GradientOptions, barriersEvery: Int = 0, loops: [StraightThroughGradient]? = nil,
                                  suppliedDual: (Int, [Dual], [Dual]) -> Dual = { _, _, _ in Dual(0) },
                                  _ label: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Double] {
        let path = try DirectMethodSimulator(network: network).simulate(horizon: .time(horizon), seed: seed)
        XCTAssertGreaterThan(path.eventCount, 20, label, file: file, line: line)
        let loss = OracleLoss(observable: observable, grid: [0.2, 0.5, 0.9].map { $0 * path.endTime })
        var adjoint = loss.adjoint(path, network: network)
        var barriers = Set<Int>()
        if barriersEvery > 0 {
            for n in stride(from: barriersEvery, through: path.eventCount, by: barriersEvery) {
                adjoint.cutStateAdjoint(atEvent: n)
                barriers.insert(n)
            }
        }
        let oracle = network.parameters.indices.map {
            loss.dualDerivative(path, network: network, direction: $0, temperature: options.temperature,
                                truncation: options.truncation, barriers: barriers, relaxation: options.relaxation,
                                suppliedDual: suppliedDual)
        }
        let scale = oracle.map(abs).max()!
        XCTAssertGreaterThan(scale, 0, label, file: file, line: line)
        for reverse in try loops ?? [StraightThroughGradient(network: network, options: options)] {
            let gradient = try reverse.gradient(of: path, adjoint: adjoint)
            for k in oracle.indices {
                // Rounding over ≤ 10³ chained steps stays far below 1e-9 of the largest component.
                XCTAssertEqual(gradient[k], oracle[k], accuracy: 1e-9 * scale, "\(label), parameter \(k)", file: file, line: line)
            }
        }
        return oracle
    }

    /// The specialised loop a network takes by default, and the general loop.
    func loops(_ network: ReactionNetwork, _ options: GradientOptions) throws -> [StraightThroughGradient] {
        let fast = try StraightThroughGradient(network: network, options: options)
        var general = fast
        general.usesMassActionLoop = false
        general.usesChainLoop = false
        return [fast, general]
    }

    /// Supplied and third-order laws take the general loop: K = 1, 2, 3 and 6, both surrogate
    /// forms (τ = 0.5 squares, τ = 0.7 exp/log).
    func testGeneralLoopTruncationMatchesDualNumbers() throws {
        let (network, dual) = try generalLawsNetwork()
        for tau in [0.5, 0.7] {
            for k in [1, 2, 3, 6] {
                try assertMatchesDualNumbers(network, observable: Observable(weights: [1, 0, 2, 0]), horizon: 3, seed: 8,
                                             options: GradientOptions(temperature: tau, truncation: k), suppliedDual: dual,
                                             "general laws, τ \(tau), K \(k)")
            }
        }
    }

    /// Mass action of orders 0–2 (binding, dimerization, the Vilar oscillator): K = 1 in the
    /// sparse loop and the general loop; K = 2 and 5 (general loop), all reactions and runner-up.
    /// The oscillator (15 parameters, the oracle's cost) runs K = 1 and 3 over a shorter path.
    func testMassActionTruncationMatchesDualNumbers() throws {
        let horizons = ["binding": 3.0, "dimerization": 10.0, "oscillator": 1.0]
        for (name, network, observable) in try massActionTestNetworks() {
            for relaxation in ChoiceRelaxation.allCases {
                for k in name == "oscillator" ? [1, 3] : [1, 2, 5] {
                    let options = GradientOptions(truncation: k, relaxation: relaxation)
                    try assertMatchesDualNumbers(network, observable: observable, horizon: horizons[name]!, seed: 8,
                                                 options: options, loops: loops(network, options),
                                                 "\(name), \(relaxation.rawValue), K \(k)")
                }
            }
        }
    }

    /// A single molecule (the chain loop at K = 1) and three channels of the same scheme.
    func testChannelTruncationMatchesDualNumbers() throws {
        for channels in [1, 3] {
            let network = try chainNetwork(forward: [1000, 2000], backward: [500, 800], channels: channels)
            for k in [1, 2, 4] {
                let options = GradientOptions(truncation: k)
                try assertMatchesDualNumbers(network, observable: .species(2, of: network), horizon: 0.05, seed: 3,
                                             options: options, loops: loops(network, options),
                                             "\(channels) channel(s), K \(k)")
            }
        }
    }

    /// A barrier drops every older tangent from the state after it: with K = 3 and none, barriers
    /// every 5 events, in every loop that takes them.
    func testBarriersMatchDualNumbers() throws {
        let (general, dual) = try generalLawsNetwork()
        for k in [3, nil] as [Int?] {
            try assertMatchesDualNumbers(general, observable: Observable(weights: [1, 0, 2, 0]), horizon: 3, seed: 8,
                                         options: GradientOptions(truncation: k), barriersEvery: 5, suppliedDual: dual,
                                         "general laws, K \(k.map(String.init) ?? "none"), barriers")
        }
        let (_, oscillator, observable) = try massActionTestNetworks()[2]
        for k in [3, nil] as [Int?] {
            let options = GradientOptions(truncation: k)
            try assertMatchesDualNumbers(oscillator, observable: observable, horizon: 1, seed: 8, options: options,
                                         barriersEvery: 5, loops: loops(oscillator, options),
                                         "oscillator, K \(k.map(String.init) ?? "none"), barriers")
        }
    }

    /// The oracle tells neighbouring truncations apart far beyond its 1e-9 tolerance, so a loop
    /// that kept one bucket too many or too few could not pass.
    func testNeighbouringTruncationsDiffer() throws {
        let (network, dual) = try generalLawsNetwork()
        let path = try DirectMethodSimulator(network: network).simulate(horizon: .time(3), seed: 8)
        let loss = OracleLoss(observable: Observable(weights: [1, 0, 2, 0]), grid: [0.6, 1.5, 2.7])
        func oracle(_ k: Int?) -> [Double] {
            network.parameters.indices.map {
                loss.dualDerivative(path, network: network, direction: $0, temperature: 0.5, truncation: k, suppliedDual: dual)
            }
        }
        let byK = [1, 2, 3, nil].map(oracle)
        for i in 0..<(byK.count - 1) {
            let scale = byK[i].map(abs).max()!
            let gap = zip(byK[i], byK[i + 1]).map { abs($0 - $1) }.max()!
            XCTAssertGreaterThan(gap, 1e-4 * scale, "truncations \(i) and \(i + 1) of [1, 2, 3, none]")
        }
        // K = 0 through the K argument is the waiting-time path (no tangent is ever created).
        let zero = oracle(0)
        let waiting = network.parameters.indices.map {
            loss.dualDerivative(path, network: network, direction: $0, temperature: 0.5, straightThrough: false, suppliedDual: dual)
        }
        XCTAssertEqual(zero, waiting)
    }
}
