// Runner-ups recorded by the forward pass: the events are unchanged, each recorded runner-up is
// the race's runner-up that the reverse pass would have selected, and the reverse pass that reads
// them (no propensity re-evaluated) equals the loops that re-derive them, and dual numbers.
import Foundation
import StochasticKinetics
import XCTest

final class RecordedRunnerUpTests: XCTestCase {
    /// Mass-action networks of three or more reactions, with every form of law: the test
    /// networks (binding, oscillator) and one with a dimerization 2A ⇌ D beside A + C → D, so
    /// that a0 has the x(x − 1) term.
    func networks() throws -> [(String, ReactionNetwork, Observable)] {
        let values = [0.02, 1, 5, 0.1, 2, 0.05, 0.5]
        let parameters = values.indices.map { RateParameter(name: "k\($0)", value: values[$0]) }
        let a = 0, d = 1, c = 2
        let pairs = try ReactionNetwork(
            species: ["A", "D", "C"], initialState: [30, 5, 10], parameters: parameters,
            reactions: [
                Reaction(name: "dimerize", reactants: [.init(species: a, count: 2)], products: [.init(species: d, count: 1)],
                         law: .massAction(parameter: 0)),
                Reaction(name: "split", reactants: [.init(species: d, count: 1)], products: [.init(species: a, count: 2)],
                         law: .massAction(parameter: 1)),
                Reaction(name: "make A", reactants: [], products: [.init(species: a, count: 1)], law: .massAction(parameter: 2)),
                Reaction(name: "lose A", reactants: [.init(species: a, count: 1)], products: [], law: .massAction(parameter: 3)),
                Reaction(name: "make C", reactants: [], products: [.init(species: c, count: 1)], law: .massAction(parameter: 4)),
                Reaction(name: "bind", reactants: [.init(species: a, count: 1), .init(species: c, count: 1)],
                         products: [.init(species: d, count: 1)], law: .massAction(parameter: 5)),
                Reaction(name: "lose C", reactants: [.init(species: c, count: 1)], products: [], law: .massAction(parameter: 6)),
            ])
        var cases = try massActionTestNetworks().filter { $0.0 != "dimerization" }
        cases.append(("pairs", pairs, Observable(weights: [1, 2, -0.5])))
        return cases
    }

    /// A chain A0 ⇌ A1 ⇌ … of `species` species with a source of A0 and a binding A0 + A1 → A2:
    /// 2·species reactions, enough to take the runner-up search past 16 (and 32) reactions.
    func wideNetwork(species n: Int) throws -> ReactionNetwork {
        var reactions: [Reaction] = [], values: [Double] = []
        func add(_ name: String, _ reactants: [(Int, Int)], _ products: [(Int, Int)], _ rate: Double) {
            reactions.append(Reaction(name: name, reactants: reactants.map { .init(species: $0.0, count: $0.1) },
                                      products: products.map { .init(species: $0.0, count: $0.1) },
                                      law: .massAction(parameter: values.count)))
            values.append(rate)
        }
        for i in 0..<(n - 1) {
            add("f\(i)", [(i, 1)], [(i + 1, 1)], 1 + 0.1 * Double(i))
            add("b\(i)", [(i + 1, 1)], [(i, 1)], 0.7 + 0.05 * Double(i))
        }
        add("source", [], [(0, 1)], 3)
        add("bind", [(0, 1), (1, 1)], [(2, 1)], 0.02)
        return try ReactionNetwork(species: (0..<n).map { "A\($0)" }, initialState: (0..<n).map { _ in 6 },
                                   parameters: values.indices.map { RateParameter(name: "k\($0)", value: values[$0]) },
                                   reactions: reactions)
    }

    /// Recording changes nothing about the events; it is kept where the reverse pass reads it
    /// (closed-form mass action, three or more reactions, the direct method) and nowhere else.
    func testRecordingLeavesTheEventsAlone() throws {
        for (name, network, _) in try networks() {
            let simulator = DirectMethodSimulator(network: network)
            for horizon in [SimulationHorizon.events(3000), .time(30)] {
                let plain = try simulator.simulate(horizon: horizon, seed: 11, index: 2)
                let recorded = try simulator.simulate(horizon: horizon, seed: 11, index: 2, recordingRunnerUps: true)
                XCTAssertGreaterThan(plain.eventCount, 100, name)
                XCTAssertEqual(recorded.eventTimes, plain.eventTimes, name)
                XCTAssertEqual(recorded.reactions, plain.reactions, name)
                XCTAssertEqual(recorded.finalState, plain.finalState, name)
                XCTAssertEqual(recorded.endTime, plain.endTime, name)
                XCTAssertEqual(recorded.runnerUps.count, recorded.eventCount, name)
                XCTAssertTrue(plain.runnerUps.isEmpty, name)
            }
        }
        // Two reactions (their reverse pass has no runner-up to read), a single channel (the chain
        // loop) and sorting direct: not recorded.
        let sorting = DirectMethodSimulator(network: BenchmarkModels.oscillator.network, selection: .sortingDirect)
        for (label, simulator) in [("dimerization", DirectMethodSimulator(network: BenchmarkModels.dimerization.network)),
                                   ("channel3", DirectMethodSimulator(network: BenchmarkModels.channel3.network)),
                                   ("sorting", sorting)] {
            let path = try simulator.simulate(horizon: .events(500), seed: 1, recordingRunnerUps: true)
            XCTAssertTrue(path.runnerUps.isEmpty, label)
        }
    }

    /// Every recorded runner-up is the one the race's runner-up noise selects from the
    /// propensities before the event (`perturbedLogits`, the oracles' construction): the other
    /// reaction with a finite logit, or none when no other reaction could fire.
    /// Networks of 4, 7, 16, 20 and 40 reactions: every form of the search.
    func testRecordedRunnerUpIsTheRaceRunnerUp() throws {
        var cases = try networks().map { ($0.0, $0.1) }
        cases += [("20 reactions", try wideNetwork(species: 10)), ("40 reactions", try wideNetwork(species: 20))]
        for (name, network) in cases {
            let path = try DirectMethodSimulator(network: network, selection: .direct)
                .simulate(horizon: .events(4000), seed: 3, recordingRunnerUps: true)
            XCTAssertEqual(path.runnerUps.count, path.eventCount, name)
            let states = path.stateSeries(network: network), sCount = network.speciesCount
            var mismatches = 0, none = 0
            for e in 0..<path.eventCount {
                let state = Array(states[(e * sCount)..<((e + 1) * sCount)])
                let a = try network.propensities(counts: state)
                let chosen = Int(path.reactions[e])
                let z = StraightThroughGradient.perturbedLogits(propensities: a, chosen: chosen, noiseKey: path.noiseKey,
                                                                event: e + 1, relaxation: .runnerUp)
                let expected = a.indices.first { $0 != chosen && z[$0] > -.infinity } ?? -1
                if expected == -1 { none += 1 }
                if Int(path.runnerUps[e]) != expected { mismatches += 1 }
            }
            XCTAssertEqual(mismatches, 0, name)
            XCTAssertLessThan(none, path.eventCount / 2, name)
        }
    }

    /// The reverse pass that reads recorded runner-ups (a0 and ∇a0 carried as the quadratic they
    /// are, waiting-time sums by state moments, at K = 1 no x̄′ formed) equals the general loop,
    /// which re-derives every propensity and selects the runner-up itself: long paths, K = 1, 0
    /// and none, τ = 0.5 and 1, barriers, event and time horizons.
    func testRecordedLoopMatchesTheGeneralLoop() throws {
        for (name, network, observable) in try networks() {
            for horizon in [SimulationHorizon.events(20_000), .time(60)] {
                let path = try DirectMethodSimulator(network: network).simulate(horizon: horizon, seed: 5, recordingRunnerUps: true)
                XCTAssertEqual(path.runnerUps.count, path.eventCount)
                for tau in [0.5, 1.0] {
                    for truncation in [1, 0, nil] as [Int?] {
                        for barriersEvery in [0, 7] where truncation == nil || barriersEvery == 0 {
                            let adjoint = gridLossAdjoint(path, network: network, observable: observable, barriersEvery: barriersEvery)
                            let options = GradientOptions(temperature: tau, truncation: truncation, relaxation: .runnerUp)
                            let recorded = try StraightThroughGradient(network: network, options: options)
                            XCTAssertTrue(recorded.readsRunnerUps)
                            var general = recorded
                            general.usesMassActionLoop = false
                            var replayed = path
                            replayed.runnerUps = []
                            let label = "\(name), \(horizon), τ \(tau), K \(truncation.map(String.init) ?? "none"), barriers \(barriersEvery)"
                            let reference = try general.gradient(of: path, adjoint: adjoint)
                            // Sums in another order over ~10⁴ events: rounding ~1e-13 of the largest component.
                            assertClose(try recorded.gradient(of: path, adjoint: adjoint), reference, relative: 1e-11, label)
                            assertClose(try recorded.gradient(of: replayed, adjoint: adjoint), reference, relative: 1e-11,
                                        label + ", replayed")
                        }
                    }
                }
            }
        }
    }

    /// The recorded loop equals forward-mode dual numbers through the two-way surrogate with the
    /// same noise (K = none and 0; τ = 0.5, 0.7 and 0.25).
    func testRecordedLoopMatchesDualNumbers() throws {
        let horizons = ["binding": 3.0, "oscillator": 2.0, "pairs": 1.5]
        for (name, network, observable) in try networks() {
            let path = try DirectMethodSimulator(network: network).simulate(horizon: .time(horizons[name]!), seed: 8,
                                                                            recordingRunnerUps: true)
            XCTAssertGreaterThan(path.eventCount, 20, name)
            let loss = OracleLoss(observable: observable, grid: [0.2, 0.5, 0.9].map { $0 * path.endTime })
            let adjoint = loss.adjoint(path, network: network)
            for (tau, truncation) in [(0.5, nil), (0.7, nil), (0.25, nil), (0.5, 0)] as [(Double, Int?)] {
                let options = GradientOptions(temperature: tau, truncation: truncation, relaxation: .runnerUp)
                let recorded = try StraightThroughGradient(network: network, options: options)
                let oracle = network.parameters.indices.map {
                    loss.dualDerivative(path, network: network, direction: $0, temperature: tau, straightThrough: truncation != 0,
                                        relaxation: .runnerUp)
                }
                // Relative to the largest component: rounding over ≤ 10³ chained steps stays far below 1e-9.
                assertClose(try recorded.gradient(of: path, adjoint: adjoint), oracle, relative: 1e-9,
                            "\(name), τ \(tau), K \(truncation.map(String.init) ?? "none")")
            }
        }
    }

    /// The stiff network (a0 jumps by 10⁶–10⁹ and back): the recorded loop re-sums a0 and ∇a0
    /// after a large fall, as the replaying loop does, and stays with the general loop within
    /// the bounds `RunnerUpRelaxationTests.testStiffNetworkMatchesTheGeneralLoop` sets for it.
    func testStiffNetworkRecordedMatchesTheGeneralLoop() throws {
        for (fast, tolerance) in [(1e6, 3e-10), (1e9, 2e-7)] {
            let network = try stiffNetwork(fast: fast)
            let path = try DirectMethodSimulator(network: network).simulate(horizon: .time(40), seed: 5, recordingRunnerUps: true)
            XCTAssertEqual(path.runnerUps.count, path.eventCount)
            let loss = OracleLoss(observable: Observable(weights: [1, 0.5, 2]), grid: [8, 20, 36])
            let adjoint = loss.adjoint(path, network: network)
            for truncation in [1, nil] as [Int?] {
                let recorded = try StraightThroughGradient(network: network,
                                                           options: GradientOptions(truncation: truncation, relaxation: .runnerUp))
                var general = recorded
                general.usesMassActionLoop = false
                assertClose(try recorded.gradient(of: path, adjoint: adjoint), try general.gradient(of: path, adjoint: adjoint),
                            relative: tolerance, "fast \(fast), K \(truncation.map(String.init) ?? "none")")
            }
        }
    }

    /// An ensemble asked for trajectories to differentiate records the runner-ups with the
    /// runner-up relaxation only; its gradient equals the one from trajectories without them.
    func testEnsembleRecordsForTheRunnerUpGradient() throws {
        let model = BenchmarkModels.oscillator
        let options = GradientOptions(relaxation: .runnerUp)
        let ensemble = try EnsembleSimulator(network: model.network, options: options)
        let recorded = try ensemble.simulate(trajectories: 4, horizon: .time(20), seed: 9, threads: 2, forGradient: true)
        let plain = try ensemble.simulate(trajectories: 4, horizon: .time(20), seed: 9, threads: 2)
        XCTAssertTrue(recorded.allSatisfy { $0.runnerUps.count == $0.eventCount && $0.eventCount > 100 })
        XCTAssertTrue(plain.allSatisfy { $0.runnerUps.isEmpty })
        let full = try EnsembleSimulator(network: model.network)
        XCTAssertTrue(try full.simulate(trajectories: 2, horizon: .time(5), seed: 9, forGradient: true).allSatisfy { $0.runnerUps.isEmpty })
        let adjoints = recorded.map { path -> TrajectoryAdjoint in
            OracleLoss(observable: model.observable, grid: [5, 10, 15]).adjoint(path, network: model.network)
        }
        assertClose(try ensemble.gradient(trajectories: recorded, adjoints: adjoints, threads: 2),
                    try ensemble.gradient(trajectories: plain, adjoints: adjoints, threads: 1), relative: 1e-11, "ensemble")
    }

    /// Runner-ups that do not fit the events are refused with the event that does not fit,
    /// never read out of range.
    func testMisfitRunnerUpsAreErrors() throws {
        let model = BenchmarkModels.oscillator, m = model.network.reactionCount
        let path = try DirectMethodSimulator(network: model.network).simulate(horizon: .events(200), seed: 2, recordingRunnerUps: true)
        let adjoint = OracleLoss(observable: model.observable, grid: [0.5 * path.endTime]).adjoint(path, network: model.network)
        let gradient = try StraightThroughGradient(network: model.network, options: GradientOptions(relaxation: .runnerUp))
        XCTAssertNoThrow(try gradient.gradient(of: path, adjoint: adjoint))
        var cases: [(String, [Int16])] = [("one short", Array(path.runnerUps.dropLast()))]
        for (label, value) in [("the chosen reaction", Int16(path.reactions[41])), ("past the last reaction", Int16(m)),
                               ("below −1", -2)] {
            var others = path.runnerUps
            others[41] = value
            cases.append((label, others))
        }
        for (label, others) in cases {
            var bad = path
            bad.runnerUps = others
            XCTAssertThrowsError(try gradient.gradient(of: bad, adjoint: adjoint), label) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("runner-up"), "\(label): \(text)")
                if label != "one short" { XCTAssertTrue(text.contains("event 42"), "\(label): \(text)") }
            }
        }
        // The full softmax does not read them.
        let full = try StraightThroughGradient(network: model.network)
        var bad = path
        bad.runnerUps = [7]
        XCTAssertNoThrow(try full.gradient(of: bad, adjoint: adjoint))
    }

    func assertClose(_ a: [Double], _ b: [Double], relative: Double, _ label: String) {
        let scale = b.map(abs).max()!
        XCTAssertGreaterThan(scale, 0, label)
        for k in a.indices { XCTAssertEqual(a[k], b[k], accuracy: relative * scale, "\(label), parameter \(k)") }
    }
}
