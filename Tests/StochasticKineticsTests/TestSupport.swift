// Shared helpers for the StochasticKinetics tests: model files, small networks, statistics.
import Foundation
import StochasticKinetics
import XCTest

/// Package root = three levels above this file (Tests/StochasticKineticsTests/TestSupport.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func loadModel(_ name: String) throws -> ReactionNetwork {
    let url = packageRoot.appendingPathComponent("Data/models/\(name).yaml")
    return try ReactionNetwork(yaml: String(contentsOf: url, encoding: .utf8))
}

/// A linear chain of states with `channels` channels: C1 ⇌ C2 ⇌ … with the given forward/backward rates.
func chainNetwork(forward: [Double], backward: [Double], channels: Int = 1) throws -> ReactionNetwork {
    let states = forward.count + 1
    let species = (1...states).map { "S\($0)" }
    var parameters: [RateParameter] = [], reactions: [Reaction] = []
    for i in 0..<forward.count {
        parameters.append(RateParameter(name: "k\(i + 1)\(i + 2)", value: forward[i]))
        parameters.append(RateParameter(name: "k\(i + 2)\(i + 1)", value: backward[i]))
        reactions.append(Reaction(name: "\(i)f", reactants: [.init(species: i, count: 1)],
                                  products: [.init(species: i + 1, count: 1)], law: .massAction(parameter: 2 * i)))
        reactions.append(Reaction(name: "\(i)b", reactants: [.init(species: i + 1, count: 1)],
                                  products: [.init(species: i, count: 1)], law: .massAction(parameter: 2 * i + 1)))
    }
    var initial = [Int](repeating: 0, count: states)
    initial[0] = channels
    return try ReactionNetwork(species: species, initialState: initial, parameters: parameters, reactions: reactions)
}

/// Upper-tail p-value of a chi-square statistic with `dof` degrees of freedom
/// (Wilson–Hilferty normal approximation; accurate to ~1e-3 for dof ≥ 3, ample for p > 1e-3 checks).
func chiSquarePValue(_ statistic: Double, dof: Int) -> Double {
    let k = Double(dof)
    let z = (pow(statistic / k, 1.0 / 3) - (1 - 2 / (9 * k))) / (2 / (9 * k)).squareRoot()
    return 0.5 * erfc(z / 2.0.squareRoot())
}

/// Kolmogorov–Smirnov distance between a sample and a CDF.
func ksDistance(_ sample: [Double], cdf: (Double) -> Double) -> Double {
    let sorted = sample.sorted()
    let n = Double(sorted.count)
    var d = 0.0
    for (i, x) in sorted.enumerated() {
        let f = cdf(x)
        d = max(d, abs(f - Double(i) / n), abs(Double(i + 1) / n - f))
    }
    return d
}

/// The KS critical distance at level α = 0.001 for large n: 1.949/√n.
func ksCritical001(_ n: Int) -> Double { 1.949 / Double(n).squareRoot() }

/// Chi-square of observed counts vs expected probabilities, merging tail bins until each
/// expected count is ≥ 5.
func chiSquare(counts: [Int: Int], probabilities: [Int: Double], total: Int) -> (Double, Int) {
    let keys = probabilities.keys.sorted()
    var bins: [(observed: Double, expected: Double)] = []
    var o = 0.0, e = 0.0
    for k in keys {
        o += Double(counts[k] ?? 0); e += probabilities[k]! * Double(total)
        if e >= 5 { bins.append((o, e)); o = 0; e = 0 }
    }
    if e > 0 || o > 0, !bins.isEmpty { bins[bins.count - 1].observed += o; bins[bins.count - 1].expected += e }
    let stat = bins.reduce(0) { $0 + ($1.observed - $1.expected) * ($1.observed - $1.expected) / $1.expected }
    return (stat, bins.count - 1)
}

/// Orders 0–2 with molecule counts > 1: a bimolecular binding network with a source, the
/// dimerization and the Vilar oscillator (every form: k, k·x, k·x(x−1)/2, k·x·y).
func massActionTestNetworks() throws -> [(String, ReactionNetwork, Observable)] {
    var dimerization = try loadModel("dimerization")
    dimerization.initialState = [30, 0]
    let oscillator = BenchmarkModels.oscillator.network
    let parameters = (0..<4).map { RateParameter(name: "k\($0)", value: [0.05, 2, 3, 0.4][$0]) }
    let binding = try ReactionNetwork(
        species: ["A", "B", "C"], initialState: [20, 15, 0], parameters: parameters,
        reactions: [
            Reaction(name: "bind", reactants: [.init(species: 0, count: 1), .init(species: 1, count: 1)],
                     products: [.init(species: 2, count: 1)], law: .massAction(parameter: 0)),
            Reaction(name: "unbind", reactants: [.init(species: 2, count: 1)],
                     products: [.init(species: 0, count: 1), .init(species: 1, count: 1)], law: .massAction(parameter: 1)),
            Reaction(name: "make", reactants: [], products: [.init(species: 0, count: 1)], law: .massAction(parameter: 2)),
            Reaction(name: "decay", reactants: [.init(species: 0, count: 1)], products: [], law: .massAction(parameter: 3)),
        ])
    return [("binding", binding, Observable(weights: [1, 0, 2])),
            ("dimerization", dimerization, Observable(weights: [1, -0.5])),
            ("oscillator", oscillator, BenchmarkModels.oscillator.observable)]
}

/// A stiff network: A → B at `fast` per molecule beside B → A (1), ∅ → C (0.01) and C → ∅ (1),
/// from A = 40. Whenever an A appears a0 jumps by about `fast` and falls back one event later.
func stiffNetwork(fast: Double) throws -> ReactionNetwork {
    let parameters = (0..<4).map { RateParameter(name: "k\($0)", value: [fast, 1, 1e-2, 1][$0]) }
    return try ReactionNetwork(
        species: ["A", "B", "C"], initialState: [40, 0, 0], parameters: parameters,
        reactions: [
            Reaction(name: "fast", reactants: [.init(species: 0, count: 1)], products: [.init(species: 1, count: 1)],
                     law: .massAction(parameter: 0)),
            Reaction(name: "back", reactants: [.init(species: 1, count: 1)], products: [.init(species: 0, count: 1)],
                     law: .massAction(parameter: 1)),
            Reaction(name: "make", reactants: [], products: [.init(species: 2, count: 1)], law: .massAction(parameter: 2)),
            Reaction(name: "decay", reactants: [.init(species: 2, count: 1)], products: [], law: .massAction(parameter: 3)),
        ])
}

/// The loss adjoint of `OracleLoss` on the grid at 20, 50 and 90 % of the path, with the state
/// adjoint cut at every `barriersEvery`-th event (0: none).
func gridLossAdjoint(_ path: Trajectory, network: ReactionNetwork, observable: Observable, barriersEvery: Int = 0) -> TrajectoryAdjoint {
    let loss = OracleLoss(observable: observable, grid: [0.2, 0.5, 0.9].map { $0 * path.endTime })
    var adjoint = loss.adjoint(path, network: network)
    if barriersEvery > 0 {
        for n in stride(from: barriersEvery, through: path.eventCount, by: barriersEvery) { adjoint.cutStateAdjoint(atEvent: n) }
    }
    return adjoint
}
