// The forward pass is an exact Gillespie sampler: its statistics match theory.
// Every test uses fixed seeds; thresholds are p = 0.001 (chi-square, KS) or |z| < 4, so a
// correct sampler fails with probability ≲ 10⁻³ per check, and a wrong rate or branching
// (even by a few percent at these sample sizes) fails with near certainty.
import Foundation
import StochasticKinetics
import XCTest

final class ExactnessTests: XCTestCase {
    func testBirthDeathIsStationaryPoisson() throws {
        let yaml = """
        species: {X: 0}
        parameters: {lambda: 20, mu: 1}
        reactions:
          - {name: birth, products: {X: 1}, rate: lambda}
          - {name: death, reactants: {X: 1}, rate: mu}
        """
        let sim = DirectMethodSimulator(network: try ReactionNetwork(yaml: yaml))
        let n = 4000
        var counts: [Int: Int] = [:]
        for i in 0..<n {   // sampled at t = 12: the mean has relaxed to within 20·e⁻¹² of 20
            counts[try sim.simulateOnGrid(grid: [12], seed: 2024, index: i)[0], default: 0] += 1
        }
        var p: [Int: Double] = [:]
        var term = exp(-20.0)
        for k in 0...80 { p[k] = term; term *= 20 / Double(k + 1) }
        let (stat, dof) = chiSquare(counts: counts, probabilities: p, total: n)
        XCTAssertGreaterThan(chiSquarePValue(stat, dof: dof), 1e-3, "chi2 = \(stat), dof = \(dof)")
    }

    func testTwoStateDwellTimesAreExponential() throws {
        let network = try chainNetwork(forward: [100], backward: [300])
        // 80 000 events (~40 000 dwells each): the 3 % sensitivity check below then sits at
        // E[D] ≈ 0.03/e ≈ 0.011 vs a critical 0.0097, instead of on the edge of it.
        let path = try DirectMethodSimulator(network: network).simulate(horizon: .events(80_000), seed: 11)
        let dwells = TrajectoryStatistics.dwells(path, series: path.observableSeries(.species(1, of: network), network: network))
            .filter { !$0.censored }
        let open = dwells.filter { $0.level == 1 }.map(\.duration), shut = dwells.filter { $0.level == 0 }.map(\.duration)
        XCTAssertGreaterThan(open.count, 39_000)
        XCTAssertLessThan(ksDistance(open) { 1 - exp(-300 * $0) }, ksCritical001(open.count))
        XCTAssertLessThan(ksDistance(shut) { 1 - exp(-100 * $0) }, ksCritical001(shut.count))
        // Sensitivity: the same sample is rejected against a rate 3 % off.
        XCTAssertGreaterThan(ksDistance(open) { 1 - exp(-309 * $0) }, ksCritical001(open.count))
    }

    func testThreeStateChannelDwellsAndBranching() throws {
        let network = try loadModel("channel3")   // k12 1000, k21 500, k23 2000, k32 800
        let path = try DirectMethodSimulator(network: network).simulate(horizon: .events(120_000), seed: 12)
        let series = path.observableSeries(.species(2, of: network), network: network)
        let dwells = TrajectoryStatistics.dwells(path, series: series).filter { !$0.censored }
        let open = dwells.filter { $0.level == 1 }.map(\.duration), shut = dwells.filter { $0.level == 0 }.map(\.duration)
        XCTAssertLessThan(ksDistance(open) { 1 - exp(-800 * $0) }, ksCritical001(open.count))
        // Shut times: phase-type with sub-generator Q_FF = [[-1000, 1000], [500, -2500]], entered in C2.
        // Survival S(t) = e_C2ᵀ exp(Q_FF t) 1 from the 2×2 eigen-decomposition.
        let (q11, q12, q21, q22) = (-1000.0, 1000.0, 500.0, -2500.0)
        let tr = q11 + q22, det = q11 * q22 - q12 * q21
        let disc = (tr * tr / 4 - det).squareRoot()
        let l1 = tr / 2 + disc, l2 = tr / 2 - disc
        func survival(_ t: Double) -> Double {
            // exp(Qt) = (e^{l1 t}(Q − l2 I) − e^{l2 t}(Q − l1 I)) / (l1 − l2); row C2 summed.
            let rowA = q21 + (q22 - l2), rowB = q21 + (q22 - l1)
            return (exp(l1 * t) * rowA - exp(l2 * t) * rowB) / (l1 - l2)
        }
        XCTAssertLessThan(ksDistance(shut) { 1 - survival($0) }, ksCritical001(shut.count))
        // Branching from C2: P(C2 → O) = k23/(k21 + k23) = 0.8.
        var fromC2 = 0, toOpen = 0
        for r in path.reactions where r == 1 || r == 2 { fromC2 += 1; if r == 2 { toOpen += 1 } }
        let z = (Double(toOpen) - 0.8 * Double(fromC2)) / (0.8 * 0.2 * Double(fromC2)).squareRoot()
        XCTAssertLessThan(abs(z), 4, "branching z = \(z)")
    }

    func testDimerizationReachesItsEquilibriumDistribution() throws {
        let yaml = """
        species: {A: 20, A2: 0}
        parameters: {kf: 0.1, kb: 1}
        reactions:
          - {reactants: {A: 2}, products: {A2: 1}, rate: kf}
          - {reactants: {A2: 1}, products: {A: 2}, rate: kb}
        """
        let sim = DirectMethodSimulator(network: try ReactionNetwork(yaml: yaml))
        let n = 4000
        var counts: [Int: Int] = [:]
        for i in 0..<n { counts[try sim.simulateOnGrid(grid: [15], seed: 99, index: i)[1], default: 0] += 1 }
        // Detailed balance on n = #A2: π(n+1)/π(n) = kf·A(A−1)/2 / (kb·(n+1)), A = 20 − 2n.
        var weights = [1.0]
        for m in 0..<10 {
            let a = Double(20 - 2 * m)
            weights.append(weights[m] * 0.1 * a * (a - 1) / 2 / Double(m + 1))
        }
        let z = weights.reduce(0, +)
        var p: [Int: Double] = [:]
        for (m, w) in weights.enumerated() { p[m] = w / z }
        let (stat, dof) = chiSquare(counts: counts, probabilities: p, total: n)
        XCTAssertGreaterThan(chiSquarePValue(stat, dof: dof), 1e-3, "chi2 = \(stat), dof = \(dof)")
    }
}
