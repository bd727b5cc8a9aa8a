// The runner-up relaxation: its noise has the law of the Gumbel-max race's runner-up, its reverse
// passes equal dual numbers through the same surrogate, and with two competitors it is the
// full softmax.
import Foundation
import StochasticKinetics
import XCTest

final class RunnerUpRelaxationTests: XCTestCase {
    /// Over many events with the same propensities and choice: the runner-up is o with
    /// probability a_o/(a0 − a_r) and its margin z_r − z_o has the CDF t/(1 + t),
    /// t = (e^μ − 1)·(a0 − a_r)/a0 — both for the runner-up draw and for the second-largest of
    /// the full set of perturbed logits (an independent construction of the same quantity).
    /// The choices cover the selection's cases: r first, last, in the middle of an even and an odd
    /// count, next to a zero propensity and as the odd count's unpaired last reaction.
    func testRunnerUpHasTheLawOfTheRaceRunnerUp() {
        let six = [3.0, 0, 1, 5, 0.5, 2], nine = [3.0, 0, 1, 5, 0.5, 2, 0, 4, 1.5]
        for (a, chosen) in [(six, 3), (six, 0), (six, 5), (nine, 4), (nine, 7), (nine, 8)] {
            let a0 = a.reduce(0, +), race = a0 - a[chosen]
            var probabilities: [Int: Double] = [:]
            for j in a.indices where j != chosen && a[j] > 0 { probabilities[j] = a[j] / race }
            let cdf = { (mu: Double) -> Double in
                let t = (exp(mu) - 1) * race / a0
                return t / (1 + t)
            }
            let events = 20_000
            for relaxation in ChoiceRelaxation.allCases {
                var counts: [Int: Int] = [:], margins: [Double] = []
                for event in 1...events {
                    let z = StraightThroughGradient.perturbedLogits(propensities: a, chosen: chosen, noiseKey: 0x5EED,
                                                                    event: event, relaxation: relaxation)
                    let others = a.indices.filter { $0 != chosen && z[$0] > -.infinity }
                    if relaxation == .runnerUp { XCTAssertEqual(others.count, 1) }
                    let o = others.max { z[$0] < z[$1] }!
                    XCTAssertGreaterThan(z[chosen], z[o])
                    counts[o, default: 0] += 1
                    margins.append(z[chosen] - z[o])
                }
                let label = "\(relaxation), m \(a.count), r \(chosen)"
                let (stat, dof) = chiSquare(counts: counts, probabilities: probabilities, total: events)
                XCTAssertGreaterThan(chiSquarePValue(stat, dof: dof), 1e-3, "\(label): runner-up frequencies")
                XCTAssertLessThan(ksDistance(margins, cdf: cdf), ksCritical001(events), "\(label): margin law")
            }
        }
    }

    /// The runner-up loops (mass action, and the general loop) equal forward-mode dual numbers
    /// through the two-way surrogate with the same noise (K = none and 0; τ = 0.5 squares and
    /// τ = 0.7 exp/log, τ = 0.25 the integer power w⁴), on networks with three or more competitors per event — including a
    /// single channel whose closed state has three exits (which therefore leaves the chain loop).
    func testRunnerUpLoopsMatchDualNumbers() throws {
        var cases = try massActionTestNetworks().filter { $0.0 != "dimerization" }
        let star = try StarChannel.network(opening: [2000, 1500, 600], closing: [3000, 800, 5000])
        cases.append(("star channel", star, Observable(weights: [0, 1, 1, 0.5])))
        let horizons = ["binding": 3.0, "oscillator": 2.0, "star channel": 0.05]
        for (name, network, observable) in cases {
            for (tau, truncation) in [(0.5, nil), (0.7, nil), (0.25, nil), (0.5, 0)] as [(Double, Int?)] {
                let path = try DirectMethodSimulator(network: network).simulate(horizon: .time(horizons[name]!), seed: 8)
                XCTAssertGreaterThan(path.eventCount, 20)
                let loss = OracleLoss(observable: observable, grid: [0.2, 0.5, 0.9].map { $0 * path.endTime })
                let adjoint = loss.adjoint(path, network: network)
                let options = GradientOptions(temperature: tau, truncation: truncation, relaxation: .runnerUp)
                let sparse = try StraightThroughGradient(network: network, options: options)
                var general = sparse
                general.usesMassActionLoop = false
                general.usesChainLoop = false
                let oracle = network.parameters.indices.map {
                    loss.dualDerivative(path, network: network, direction: $0, temperature: tau, straightThrough: truncation != 0,
                                        relaxation: .runnerUp)
                }
                let label = "\(name), τ \(tau), K \(truncation.map(String.init) ?? "none")"
                // Relative to the largest component: rounding over ≤ 10³ chained steps stays far below 1e-9.
                assertClose(try sparse.gradient(of: path, adjoint: adjoint), oracle, relative: 1e-9, label)
                assertClose(try general.gradient(of: path, adjoint: adjoint), oracle, relative: 1e-9, label)
                // A different estimator from the full softmax wherever three reactions compete.
                let full = try StraightThroughGradient(network: network, options: GradientOptions(temperature: tau, truncation: truncation))
                if truncation != 0 { XCTAssertNotEqual(try full.gradient(of: path, adjoint: adjoint), oracle, label) }
            }
        }
    }

    /// Long paths, K = 1, 0 and none, barriers: the runner-up mass-action loop (incremental a0,
    /// ∂a0/∂x and lazy waiting-time sums) equals the general loop to rounding.
    func testRunnerUpSparseLoopMatchesTheGeneralLoop() throws {
        for (name, network, observable) in try massActionTestNetworks() {
            for tau in [0.5, 1.0] {
                for truncation in [1, 0, nil] as [Int?] {
                    for barriersEvery in [0, 7] where truncation == nil || barriersEvery == 0 {
                        let path = try DirectMethodSimulator(network: network).simulate(horizon: .events(20_000), seed: 5)
                        let adjoint = gridLossAdjoint(path, network: network, observable: observable, barriersEvery: barriersEvery)
                        let options = GradientOptions(temperature: tau, truncation: truncation, relaxation: .runnerUp)
                        let sparse = try StraightThroughGradient(network: network, options: options)
                        var general = sparse
                        general.usesMassActionLoop = false
                        // Sums in another order over 2·10⁴ events: rounding ~1e-13 of the largest component.
                        assertClose(try sparse.gradient(of: path, adjoint: adjoint), try general.gradient(of: path, adjoint: adjoint),
                                    relative: 1e-11,
                                    "\(name), τ \(tau), K \(truncation.map(String.init) ?? "none"), barriers \(barriersEvery)")
                    }
                }
            }
        }
    }

    /// A stiff network: A → B at 10⁶ or 10⁹ per molecule beside rates of order 1 (B → A, ∅ → C,
    /// C → ∅), so a0 jumps by 10⁶–10⁹ and back whenever an A appears. The runner-up loop carries
    /// a0 and the waiting-time sums from event to event; it re-sums a0 after a large fall and
    /// sums the waiting-time parts lazily (a_j·ΣT since a_j changed), so it stays with the
    /// general loop (measured: 4e-11 and 3e-13 of the largest component at 10⁶, K 1 and none;
    /// 4e-8 and 5e-13 at 10⁹). Carrying a0 through the fall, or summing by parts, missed by
    /// 1.4e-9 and 1.6e-6 (10⁶, 10⁹, K none) and 8.5e-7 (10⁹, K 1).
    func testStiffNetworkMatchesTheGeneralLoop() throws {
        for (fast, tolerance) in [(1e6, 3e-10), (1e9, 2e-7)] {
            let network = try stiffNetwork(fast: fast)
            let path = try DirectMethodSimulator(network: network).simulate(horizon: .time(40), seed: 5)
            let loss = OracleLoss(observable: Observable(weights: [1, 0.5, 2]), grid: [8, 20, 36])
            let adjoint = loss.adjoint(path, network: network)
            for truncation in [1, nil] as [Int?] {
                let sparse = try StraightThroughGradient(network: network,
                                                         options: GradientOptions(truncation: truncation, relaxation: .runnerUp))
                XCTAssertTrue(sparse.hasMassActionLoop)
                var general = sparse
                general.usesMassActionLoop = false
                assertClose(try sparse.gradient(of: path, adjoint: adjoint), try general.gradient(of: path, adjoint: adjoint),
                            relative: tolerance, "fast \(fast), K \(truncation.map(String.init) ?? "none")")
            }
        }
    }

    /// Where at most two reactions ever compete (a C–C–O channel, a dimerization) the runner-up
    /// is the other competitor and the two relaxations give the same gradient, bit for bit.
    func testTwoCompetitorsGiveTheFullSoftmax() throws {
        for model in [BenchmarkModels.channel3, BenchmarkModels.dimerization] {
            let network = model.network
            let path = try DirectMethodSimulator(network: network).simulate(horizon: .events(5000), seed: 3)
            let adjoint = OracleLoss(observable: model.observable, grid: [0.5 * path.endTime]).adjoint(path, network: network)
            for truncation in [1, nil] as [Int?] {
                let full = try StraightThroughGradient(network: network, options: GradientOptions(truncation: truncation))
                let runnerUp = try StraightThroughGradient(network: network,
                                                           options: GradientOptions(truncation: truncation, relaxation: .runnerUp))
                let reference = try full.gradient(of: path, adjoint: adjoint)
                XCTAssertTrue(reference.contains { $0 != 0 })
                XCTAssertEqual(try runnerUp.gradient(of: path, adjoint: adjoint), reference, model.name)
            }
        }
    }

    func assertClose(_ a: [Double], _ b: [Double], relative: Double, _ label: String) {
        let scale = b.map(abs).max()!
        XCTAssertGreaterThan(scale, 0, label)
        for k in a.indices { XCTAssertEqual(a[k], b[k], accuracy: relative * scale, "\(label), parameter \(k)") }
    }
}
