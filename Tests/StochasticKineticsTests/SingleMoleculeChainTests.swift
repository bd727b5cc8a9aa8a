// The single-molecule loop gives exactly the first-order direct loop's trajectories.
import Foundation
import StochasticKinetics
import XCTest

/// A 5-state scheme with up to 4 exits per state, exits of different states interleaved in
/// network order, a jump that keeps the state (A → A) and very unequal rates.
func fiveStateScheme() throws -> ReactionNetwork {
    let pairs: [(Int, Int, Double)] = [
        (0, 1, 300), (2, 1, 40), (1, 0, 900), (1, 2, 1500), (1, 3, 5), (3, 1, 2000),
        (1, 4, 70), (2, 4, 700), (4, 2, 60), (4, 0, 1e4), (2, 2, 250), (3, 4, 3),
    ]
    let species = ["C1", "C2", "O1", "O2", "D"]
    let parameters = pairs.enumerated().map { RateParameter(name: "k\($0.offset)", value: $0.element.2) }
    let reactions = pairs.enumerated().map { i, p in
        Reaction(name: "\(species[p.0])->\(species[p.1])#\(i)", reactants: [.init(species: p.0, count: 1)],
                 products: [.init(species: p.1, count: 1)], law: .massAction(parameter: i))
    }
    return try ReactionNetwork(species: species, initialState: [0, 0, 1, 0, 0], parameters: parameters, reactions: reactions)
}

/// Coordinates of `fiveStateScheme` with reaction 6 (C2 → D) at rate exp(−1000) = 0: an exit
/// that never fires.
func fiveStateZeroRateCoordinates(_ network: ReactionNetwork) -> [Double] {
    var theta = network.parameters.map { log($0.value) }
    theta[6] = -1000
    return theta
}

final class SingleMoleculeChainTests: XCTestCase {
    func simulators(_ network: ReactionNetwork, waitingTimes: WaitingTimeSampler = .inverseTransform)
        -> (chain: DirectMethodSimulator, general: DirectMethodSimulator) {
        let chain = DirectMethodSimulator(network: network, selection: .direct, waitingTimes: waitingTimes)
        var general = chain
        general.usesChainLoop = false
        return (chain, general)
    }

    func assertIdentical(_ a: Trajectory, _ b: Trajectory, _ label: String) {
        XCTAssertEqual(a.eventCount, b.eventCount, label)
        XCTAssertEqual(a.reactions, b.reactions, label)
        XCTAssertEqual(a.eventTimes.map(\.bitPattern), b.eventTimes.map(\.bitPattern), label)
        XCTAssertEqual(a.endTime.bitPattern, b.endTime.bitPattern, label)
        XCTAssertEqual(a.finalState, b.finalState, label)
    }

    func testChainIsBuiltOnlyForSingleMoleculeJumps() throws {
        XCTAssertTrue(DirectMethodSimulator(network: try loadModel("channel3")).hasChainLoop)
        XCTAssertTrue(DirectMethodSimulator(network: try fiveStateScheme()).hasChainLoop)
        XCTAssertFalse(DirectMethodSimulator(network: BenchmarkModels.dimerization.network).hasChainLoop)
        XCTAssertFalse(DirectMethodSimulator(network: BenchmarkModels.oscillator.network).hasChainLoop)
    }

    /// Event horizons, both waiting-time samplers, several seeds and start states, a zero rate.
    func testEventListsAreBitIdenticalToTheGeneralLoop() throws {
        let five = try fiveStateScheme()
        let cases: [(ReactionNetwork, [Double]?)] = [(try loadModel("channel3"), nil), (five, nil),
                                                     (five, fiveStateZeroRateCoordinates(five))]
        for (network, theta) in cases {
            for sampler in [WaitingTimeSampler.inverseTransform, .ziggurat] {
                let (chain, general) = simulators(network, waitingTimes: sampler)
                for seed in [0, 1, 7, 12345] as [UInt64] {
                    for start in 0..<network.speciesCount {
                        var x0 = [Int](repeating: 0, count: network.speciesCount)
                        x0[start] = 1
                        let a = try chain.simulate(coordinates: theta, horizon: .events(20_000), seed: seed, index: start, initialState: x0)
                        let b = try general.simulate(coordinates: theta, horizon: .events(20_000), seed: seed, index: start, initialState: x0)
                        assertIdentical(a, b, "\(network.reactionCount) reactions, zero rate \(theta != nil), \(sampler), seed \(seed), start \(start)")
                    }
                }
            }
        }
    }

    /// Time horizons (growable tape), grids (the recorder reads the state), the step limit and
    /// an absorbing state stop where the general loop stops.
    func testTimeHorizonsGridsLimitsAndAbsorptionMatch() throws {
        let network = try fiveStateScheme()
        let (chain, general) = simulators(network)
        for seed in [3, 4] as [UInt64] {
            assertIdentical(try chain.simulate(horizon: .time(2.5), seed: seed), try general.simulate(horizon: .time(2.5), seed: seed),
                            "time horizon, seed \(seed)")
            let grid = stride(from: 0.0, through: 0.3, by: 0.001).map { $0 }
            XCTAssertEqual(try chain.simulateOnGrid(grid: grid, seed: seed), try general.simulateOnGrid(grid: grid, seed: seed))
        }
        for simulator in [chain, general] {
            XCTAssertThrowsError(try simulator.simulate(horizon: .time(100, eventLimit: 1000), seed: 5)) { error in
                guard case KineticsError.stepLimitExceeded(let limit, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(limit, 1000)
            }
        }
        // O → C irreversible: the molecule ends in C and the run stops there.
        let absorbing = try ReactionNetwork(yaml: """
        name: absorbing
        species: {O: 1, C: 0}
        parameters: {k: 50}
        reactions:
          - {name: O->C, reactants: {O: 1}, products: {C: 1}, rate: k}
        """)
        let (c, g) = simulators(absorbing)
        assertIdentical(try c.simulate(horizon: .events(10), seed: 9), try g.simulate(horizon: .events(10), seed: 9), "absorbing")
        XCTAssertEqual(try c.simulate(horizon: .events(10), seed: 9).eventCount, 1)
    }

    /// Two channels (total 2) and coordinates different from the network's values: the
    /// simulator falls back to / stays equal with the general loop.
    func testOtherStatesAndCoordinatesMatch() throws {
        let network = try loadModel("channel3")
        let (chain, general) = simulators(network)
        let theta = [log(3000.0), log(100.0), log(50.0), log(4000.0)]
        assertIdentical(try chain.simulate(coordinates: theta, horizon: .events(5000), seed: 2),
                        try general.simulate(coordinates: theta, horizon: .events(5000), seed: 2), "coordinates")
        assertIdentical(try chain.simulate(horizon: .events(5000), seed: 2, initialState: [2, 0, 0]),
                        try general.simulate(horizon: .events(5000), seed: 2, initialState: [2, 0, 0]), "two channels")
    }
}
