import StochasticKinetics
import XCTest

final class ReactionNetworkTests: XCTestCase {
    func testShippedModelsLoad() throws {
        let channel = try loadModel("channel3")
        XCTAssertEqual(channel.species, ["C1", "C2", "O"])
        XCTAssertEqual(channel.parameters.map(\.value), [1000, 500, 2000, 800])
        XCTAssertEqual(try channel.propensities(counts: [0, 1, 0]), [0, 500, 2000, 0])
        let dimer = try loadModel("dimerization")
        // Gillespie's convention: a = kf·A(A−1)/2.
        XCTAssertEqual(try dimer.propensities(counts: [10, 3])[0], 0.02 * 10 * 9 / 2, accuracy: 1e-12)
        let vilar = try loadModel("vilar-oscillator")
        XCTAssertEqual(vilar.speciesCount, 9)
        XCTAssertEqual(vilar.reactionCount, 16)
        // The built-in benchmark models are the shipped files.
        XCTAssertEqual(BenchmarkModels.oscillator.network.parameters, vilar.parameters)
        XCTAssertEqual(BenchmarkModels.dimerization.network.parameters, dimer.parameters)
        XCTAssertEqual(BenchmarkModels.channel3.network.parameters, channel.parameters)
    }

    func testLogCoordinatesRoundTrip() throws {
        let network = try loadModel("channel3")
        let theta = network.parameterCoordinates
        XCTAssertEqual(theta[0], log(1000), accuracy: 1e-12)
        let values = try network.parameterValues(from: theta)
        for (v, p) in zip(values, network.parameters) { XCTAssertEqual(v, p.value, accuracy: 1e-9 * p.value) }
        XCTAssertThrowsError(try network.parameterValues(from: [1, 2])) { error in
            XCTAssertEqual(error as? KineticsError, .parameterCountMismatch(expected: 4, got: 2))
        }
    }

    func testBadModelsGiveNamedErrors() {
        let header = "species: {A: 10, B: 0}\nparameters: {k: 1}\n"
        let cases: [(String, KineticsError)] = [
            (header + "reactions:\n  - {name: r, reactants: {X: 1}, products: {B: 1}, rate: k}",
             .unknownSpecies(reaction: "r", species: "X")),
            ("species: {A: 10}\nparameters: {k: -2}\nreactions:\n  - {name: r, reactants: {A: 1}, rate: k}",
             .invalidRate(parameter: "k", value: -2)),
            (header + "reactions:\n  - {name: r, reactants: {A: 1.5}, products: {B: 1}, rate: k}",
             .invalidStoichiometry(reaction: "r", species: "A", value: "1.5")),
            (header + "reactions:\n  - {name: r, reactants: {A: -1}, products: {B: 1}, rate: k}",
             .invalidStoichiometry(reaction: "r", species: "A", value: "-1")),
            // Absurd orders and bursts (found by fuzzing: a reactant coefficient of 2⁶³ − 1 hung the
            // propensity's falling factorial) are refused when the model loads.
            (header + "reactions:\n  - {name: r, reactants: {A: 9223372036854775807}, products: {B: 1}, rate: k}",
             .invalidStoichiometry(reaction: "r", species: "A", value: "9223372036854775807")),
            (header + "reactions:\n  - {name: r, reactants: {A: 101}, products: {B: 1}, rate: k}",
             .invalidStoichiometry(reaction: "r", species: "A", value: "101")),
            (header + "reactions:\n  - {name: r, reactants: {A: 1}, products: {B: 1048577}, rate: k}",
             .invalidStoichiometry(reaction: "r", species: "B", value: "1048577")),
            ("species: {A: 9007199254740993}\nparameters: {k: 1}\nreactions:\n  - {reactants: {A: 1}, rate: k}",
             .invalidInitialCount(species: "A", value: "9007199254740993")),
            (header + "reactions:\n  - {name: r, reactants: {A: 1}, products: {B: 1}, rate: q}",
             .unknownParameter(reaction: "r", parameter: "q")),
            ("species: {A: -3}\nparameters: {k: 1}\nreactions:\n  - {reactants: {A: 1}, rate: k}",
             .invalidInitialCount(species: "A", value: "-3")),
            ("species: {A: 1, k: 2}\nparameters: {k: 1}\nreactions:\n  - {reactants: {A: 1}, rate: k}",
             .duplicateName("k")),
        ]
        for (yaml, expected) in cases {
            XCTAssertThrowsError(try ReactionNetwork(yaml: yaml)) { error in
                XCTAssertEqual(error as? KineticsError, expected, yaml)
            }
        }
        for broken in ["species: [unclosed", "just a string", "species: {A: 1}\nreactions: []"] {
            XCTAssertThrowsError(try ReactionNetwork(yaml: broken)) { error in
                guard case .malformedModel = error as? KineticsError else { return XCTFail("\(error) for \(broken)") }
            }
        }
    }

    func testNegativeSuppliedPropensityStopsWithError() throws {
        let law = SuppliedPropensity(dependencies: [0], evaluate: { x, v in v[0] * (Double(x[0]) - 5) },
                                     derivatives: { _, _, _, _ in })
        // Production at rate 1 keeps the network alive; the supplied law is negative below x = 5.
        let network = try ReactionNetwork(species: ["A"], initialState: [0],
                                          parameters: [RateParameter(name: "k", value: 1), RateParameter(name: "b", value: 1)],
                                          reactions: [Reaction(name: "decay", reactants: [.init(species: 0, count: 1)],
                                                               products: [], law: .supplied(law)),
                                                      Reaction(name: "make", reactants: [], products: [.init(species: 0, count: 1)],
                                                               law: .massAction(parameter: 1))])
        XCTAssertThrowsError(try DirectMethodSimulator(network: network).simulate(horizon: .time(100), seed: 1)) { error in
            guard case .invalidPropensity(let name, let value, _) = error as? KineticsError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "decay")
            XCTAssertLessThan(value, 0)
        }
    }

    func testHugeHorizonIsRefusedBeforeRunning() throws {
        let ensemble = try EnsembleSimulator(network: try loadModel("channel3"))
        XCTAssertThrowsError(try ensemble.simulate(trajectories: 1000, horizon: .time(1e7), seed: 1)) { error in
            guard case .memoryBudgetExceeded = error as? KineticsError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ensemble.simulate(trajectories: 1, horizon: .time(10, eventLimit: 100), seed: 1)) { error in
            guard case .stepLimitExceeded(let limit, _) = error as? KineticsError else { return XCTFail("\(error)") }
            XCTAssertEqual(limit, 100)
        }
        XCTAssertThrowsError(try StraightThroughGradient(network: try loadModel("channel3"), options: GradientOptions(temperature: 0)))
    }

    func testEnsembleIsIndependentOfThreadCount() throws {
        let ensemble = try EnsembleSimulator(network: try loadModel("dimerization"))
        let one = try ensemble.simulate(trajectories: 9, horizon: .time(2), seed: 5, threads: 1)
        let two = try ensemble.simulate(trajectories: 9, horizon: .time(2), seed: 5, threads: 2)
        XCTAssertEqual(one.map(\.eventTimes), two.map(\.eventTimes))
        XCTAssertEqual(one.map(\.reactions), two.map(\.reactions))
        let net = ensemble.network, obs = Observable.species(0, of: ensemble.network)
        let adjoints = one.map { path -> TrajectoryAdjoint in
            var adj = TrajectoryAdjoint(for: path, speciesCount: net.speciesCount)
            TrajectoryStatistics.addTimeAverageAdjoint(path, series: path.observableSeries(obs, network: net), observable: obs,
                                                       from: 0, to: 2, weight: 1, into: &adj)
            return adj
        }
        XCTAssertEqual(try ensemble.gradient(trajectories: one, adjoints: adjoints, threads: 1),
                       try ensemble.gradient(trajectories: two, adjoints: adjoints, threads: 2))
    }
}
