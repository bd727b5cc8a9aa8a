// The sorting-direct variant is an exact sampler too: same laws as the direct method.
import Foundation
import StochasticKinetics
import XCTest

final class SortingDirectTests: XCTestCase {
    /// 3-state channel with the sorting scan forced: dwell laws and branching as for the direct
    /// method (same thresholds as ExactnessTests: KS at α = 0.001, |z| < 4).
    func testThreeStateChannelDwellsAndBranching() throws {
        let network = try loadModel("channel3")   // k12 1000, k21 500, k23 2000, k32 800
        let sim = DirectMethodSimulator(network: network, selection: .sortingDirect)
        let path = try sim.simulate(horizon: .events(120_000), seed: 21)
        let dwells = TrajectoryStatistics.dwells(path, series: path.observableSeries(.species(2, of: network), network: network))
            .filter { !$0.censored }
        let open = dwells.filter { $0.level == 1 }.map(\.duration)
        XCTAssertLessThan(ksDistance(open) { 1 - exp(-800 * $0) }, ksCritical001(open.count))
        // Sojourns in C2 (segments after an entry into C2) are Exp(k21 + k23 = 2500).
        let states = path.stateSeries(network: network)
        var c2: [Double] = []
        for n in 1...path.eventCount where states[n * 3 + 1] == 1 { c2.append(path.segmentEnd(n) - path.segmentStart(n)) }
        c2.removeLast()                                                  // the last segment is cut by the horizon
        XCTAssertLessThan(ksDistance(c2) { 1 - exp(-2500 * $0) }, ksCritical001(c2.count))
        var fromC2 = 0, toOpen = 0
        for r in path.reactions where r == 1 || r == 2 { fromC2 += 1; if r == 2 { toOpen += 1 } }
        let z = (Double(toOpen) - 0.8 * Double(fromC2)) / (0.8 * 0.2 * Double(fromC2)).squareRoot()
        XCTAssertLessThan(abs(z), 4, "branching z = \(z)")
    }

    /// A stiff network in the sorting scan (which carries a0 by differences): A → B at 10¹² per
    /// molecule beside rates of order 1, so a0 jumps to ~10¹² whenever an A appears and falls back
    /// one event later. Each slow step's waiting time must be its Exp(1) draw over the exact a0 of
    /// the state before it (the stream replayed: −log u, then the selection's u, per step); a0
    /// carried through the fall kept 10¹²'s rounding and missed by up to ~5e-5.
    func testWaitingTimesUseTheExactTotalAfterAStiffFall() throws {
        let rates = [1e12, 1, 1e-2, 1]
        let network = try stiffNetwork(fast: rates[0])
        let path = try DirectMethodSimulator(network: network, selection: .sortingDirect).simulate(horizon: .events(600), seed: 9)
        var stream = RandomStream(seed: 9)
        var x = network.initialState.map(Double.init)
        var checked = 0, falls = 0
        for n in 1...path.eventCount {
            let draw = -log(stream.uniformPositive())
            _ = stream.uniformPositive()
            let a0 = rates[0] * x[0] + rates[1] * x[1] + rates[2] + rates[3] * x[2]
            let dt = path.eventTimes[n - 1] - (n >= 2 ? path.eventTimes[n - 2] : 0)
            if x[0] == 0 {
                // A slow step (no A): dt ≥ ~10⁻³ against times ≤ ~20, so the recorded times keep it to ~1e-12.
                XCTAssertEqual(dt * a0, draw, accuracy: 1e-9 * draw + 1e-12, "event \(n)")
                checked += 1
            }
            let r = Int(path.reactions[n - 1])
            if r == 0 { falls += 1 }
            for term in network.reactions[r].netChange { x[term.species] += Double(term.count) }
        }
        XCTAssertGreaterThan(checked, 200)
        XCTAssertGreaterThan(falls, 100)
    }

    /// A 41-reaction network (above the automatic threshold, so `.automatic` sorts): a birth–death
    /// species X (λ 20, μ 1) and 20 independent birth–death species Y_i (λ_i = i/2, μ = 1).
    /// At t = 10 X ~ Poisson(20) and ΣY_i ~ Poisson(105) (independent Poissons add); chi-square
    /// at p > 0.001. The scan order changes all the time here (rates differ 40-fold).
    func testLargeNetworkMatchesPoissonLaws() throws {
        var species = ["X"], parameters = [RateParameter(name: "lambda", value: 20), RateParameter(name: "mu", value: 1)]
        var reactions = [
            Reaction(name: "birthX", reactants: [], products: [.init(species: 0, count: 1)], law: .massAction(parameter: 0)),
            Reaction(name: "deathX", reactants: [.init(species: 0, count: 1)], products: [], law: .massAction(parameter: 1)),
        ]
        for i in 1...20 {
            species.append("Y\(i)")
            parameters.append(RateParameter(name: "l\(i)", value: Double(i) / 2))
            reactions.append(Reaction(name: "birthY\(i)", reactants: [], products: [.init(species: i, count: 1)],
                                      law: .massAction(parameter: parameters.count - 1)))
        }
        for i in 1...20 {
            reactions.append(Reaction(name: "deathY\(i)", reactants: [.init(species: i, count: 1)], products: [],
                                      law: .massAction(parameter: 1)))
        }
        // One extra reaction that never fires (reads an empty species) keeps a zero propensity in the scan.
        species.append("Z")
        reactions.append(Reaction(name: "never", reactants: [.init(species: 21, count: 1)], products: [],
                                  law: .massAction(parameter: 1)))
        let network = try ReactionNetwork(species: species, initialState: [Int](repeating: 0, count: 22),
                                          parameters: parameters, reactions: reactions)
        XCTAssertGreaterThan(network.reactionCount, SSASelection.sortingThreshold)
        let sim = DirectMethodSimulator(network: network)                   // automatic → sorting
        let n = 3000
        var xCounts: [Int: Int] = [:], yCounts: [Int: Int] = [:]
        for i in 0..<n {
            let state = try sim.simulateOnGrid(grid: [10], seed: 31, index: i)
            xCounts[state[0], default: 0] += 1
            yCounts[state[1...20].reduce(0, +), default: 0] += 1
        }
        for (counts, mean) in [(xCounts, 20.0), (yCounts, 105.0)] {
            var p: [Int: Double] = [:]
            var term = exp(-mean)
            for k in 0...250 { p[k] = term; term *= mean / Double(k + 1) }
            let (stat, dof) = chiSquare(counts: counts, probabilities: p, total: n)
            XCTAssertGreaterThan(chiSquarePValue(stat, dof: dof), 1e-3, "mean \(mean): chi2 = \(stat), dof = \(dof)")
        }
    }

    /// Sorting and direct selection are the same process: ensemble means agree (|z| < 4) and the
    /// sorting run is reproducible from its seed.
    func testSortingAgreesWithDirectAndIsReproducible() throws {
        let network = try loadModel("dimerization")
        let direct = DirectMethodSimulator(network: network, selection: .direct)
        let sorting = DirectMethodSimulator(network: network, selection: .sortingDirect)
        var d: [Double] = [], s: [Double] = []
        for i in 0..<2000 {
            d.append(Double(try direct.simulateOnGrid(grid: [0.5], seed: 5, index: i)[0]))
            s.append(Double(try sorting.simulateOnGrid(grid: [0.5], seed: 6, index: i)[0]))
        }
        func meanVar(_ v: [Double]) -> (Double, Double) {
            let m = v.reduce(0, +) / Double(v.count)
            return (m, v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1))
        }
        let (md, vd) = meanVar(d), (ms, vs) = meanVar(s)
        let z = (md - ms) / ((vd + vs) / 2000).squareRoot()
        XCTAssertLessThan(abs(z), 4, "direct \(md) vs sorting \(ms)")
        let a = try sorting.simulate(horizon: .time(1), seed: 9), b = try sorting.simulate(horizon: .time(1), seed: 9)
        XCTAssertEqual(a.eventTimes, b.eventTimes)
        XCTAssertEqual(a.reactions, b.reactions)
    }

    /// Ziggurat waiting times (opt-in sampler): the channel's dwell laws and branching hold as
    /// for −log(u) (KS at α = 0.001 for open times and C2 sojourns, |z| < 4 for branching).
    func testZigguratWaitingTimesKeepTheDwellLaws() throws {
        let network = try loadModel("channel3")
        let sim = DirectMethodSimulator(network: network, selection: .direct, waitingTimes: .ziggurat)
        let path = try sim.simulate(horizon: .events(120_000), seed: 22)
        let dwells = TrajectoryStatistics.dwells(path, series: path.observableSeries(.species(2, of: network), network: network))
            .filter { !$0.censored }
        let open = dwells.filter { $0.level == 1 }.map(\.duration)
        XCTAssertLessThan(ksDistance(open) { 1 - exp(-800 * $0) }, ksCritical001(open.count))
        let states = path.stateSeries(network: network)
        var c2: [Double] = []
        for n in 1..<path.eventCount where states[n * 3 + 1] == 1 { c2.append(path.segmentEnd(n) - path.segmentStart(n)) }
        XCTAssertLessThan(ksDistance(c2) { 1 - exp(-2500 * $0) }, ksCritical001(c2.count))
        // Same seed, default sampler: the same law but a different realisation.
        let other = try DirectMethodSimulator(network: network, selection: .direct).simulate(horizon: .events(1000), seed: 22)
        XCTAssertNotEqual(Array(path.eventTimes.prefix(1000)), other.eventTimes)
    }
}
