// The sparse mass-action reverse pass: dual numbers (K = none, 0) and the general loop (K = 1).
import Foundation
import StochasticKinetics
import XCTest

final class MassActionGradientTests: XCTestCase {
    /// Sparse and general reverse passes on one path with the oracle's loss (times, dwells, grid).
    func gradients(_ network: ReactionNetwork, observable: Observable, horizon: SimulationHorizon, seed: UInt64,
                   options: GradientOptions, barriersEvery: Int = 0)
        throws -> (sparse: [Double], general: [Double], path: Trajectory, loss: OracleLoss) {
        let path = try DirectMethodSimulator(network: network).simulate(horizon: horizon, seed: seed)
        let loss = OracleLoss(observable: observable, grid: [0.2, 0.5, 0.9].map { $0 * path.endTime })
        var adjoint = loss.adjoint(path, network: network)
        if barriersEvery > 0 {
            for n in stride(from: barriersEvery, through: path.eventCount, by: barriersEvery) { adjoint.cutStateAdjoint(atEvent: n) }
        }
        let sparse = try StraightThroughGradient(network: network, options: options)
        XCTAssertTrue(sparse.hasMassActionLoop)
        var general = sparse
        general.usesMassActionLoop = false
        general.usesChainLoop = false
        return (try sparse.gradient(of: path, adjoint: adjoint), try general.gradient(of: path, adjoint: adjoint), path, loss)
    }

    func assertClose(_ a: [Double], _ b: [Double], relative: Double, _ label: String) {
        let scale = b.map(abs).max()!
        XCTAssertGreaterThan(scale, 0, label)
        for k in a.indices { XCTAssertEqual(a[k], b[k], accuracy: relative * scale, "\(label), parameter \(k)") }
    }

    func networks() throws -> [(String, ReactionNetwork, Observable)] { try massActionTestNetworks() }

    /// Untruncated and K = 0 on short paths, the three surrogate forms (τ = 0.5 squares, 0.7
    /// exp/log, 0.25 the integer power w⁴): the sparse loop equals forward-mode dual numbers.
    func testSparseLoopMatchesDualNumbers() throws {
        let horizons = ["binding": 3.0, "dimerization": 10.0, "oscillator": 2.0]
        for (name, network, observable) in try networks() {
            for (tau, truncation) in [(0.5, nil), (0.7, nil), (0.25, nil), (0.5, 0)] as [(Double, Int?)] {
                let g = try gradients(network, observable: observable, horizon: .time(horizons[name]!), seed: 8,
                                      options: GradientOptions(temperature: tau, truncation: truncation))
                XCTAssertGreaterThan(g.path.eventCount, 20)
                let oracle = network.parameters.indices.map {
                    g.loss.dualDerivative(g.path, network: network, direction: $0, temperature: tau, straightThrough: truncation != 0)
                }
                let label = "\(name), τ \(tau), K \(truncation.map(String.init) ?? "none")"
                // Relative to the largest component: rounding over ≤ 10³ chained steps stays far below 1e-9.
                assertClose(g.sparse, oracle, relative: 1e-9, label)
                assertClose(g.general, oracle, relative: 1e-9, label)
            }
        }
    }

    /// K = 1 (the default), K = 0 and none over long paths, with and without barriers, both
    /// surrogate forms (τ = 0.5 squares, τ = 1 the integer power): the general loop's result to rounding.
    func testSparseLoopMatchesTheGeneralLoop() throws {
        for (name, network, observable) in try networks() {
            for tau in [0.5, 1.0] {
                for truncation in [1, 0, nil] as [Int?] {
                    for barriers in [0, 7] where truncation == nil || barriers == 0 {
                        let g = try gradients(network, observable: observable, horizon: .events(20_000), seed: 5,
                                              options: GradientOptions(temperature: tau, truncation: truncation),
                                              barriersEvery: barriers)
                        // Sums in another order over 2·10⁴ events: rounding ~1e-13 of the largest component.
                        assertClose(g.sparse, g.general, relative: 1e-11,
                                    "\(name), τ \(tau), K \(truncation.map(String.init) ?? "none"), barriers \(barriers)")
                    }
                }
            }
        }
    }

    /// K ≥ 2 and supplied laws are not the sparse loop's: they take the general loop (same result
    /// with the flag on or off).
    /// K at least the path's event count drops nothing, so it is the untruncated gradient to
    /// rounding, with and without barriers. K ≥ 2 carries the sum of its K buckets (the new one in,
    /// the oldest out) and re-forms it every max(K, 64) events: K = 3000 over ~2000 events passes
    /// both paths, and a carried sum that lost or double-counted a bucket would miss by far more
    /// than 1e-10.
    func testTruncationBeyondThePathIsNoTruncation() throws {
        let (_, network, observable) = try networks()[0]
        for barriers in [0, 7] {
            let deep = try gradients(network, observable: observable, horizon: .events(2000), seed: 4,
                                     options: GradientOptions(truncation: 3000), barriersEvery: barriers)
            let none = try gradients(network, observable: observable, horizon: .events(2000), seed: 4,
                                     options: GradientOptions(truncation: nil), barriersEvery: barriers)
            XCTAssertEqual(deep.path.eventCount, 2000)
            assertClose(deep.general, none.general, relative: 1e-10, "K 3000 vs none, barriers \(barriers)")
        }
    }

    /// The carried bucket sum equals re-adding the K buckets every event, where buckets do fall
    /// off (K 2, 3, 20 and 100 over 3000 events, re-formed every 64 or K events), with and without
    /// barriers: to 1e-10 of the largest component (rounding of a few hundred carried additions).
    func testCarriedBucketSumEqualsReaddingTheBuckets() throws {
        for (_, network, observable) in try networks() {
            for truncation in [2, 3, 20, 100] {
                for barriers in [0, 11] {
                    let path = try DirectMethodSimulator(network: network).simulate(horizon: .events(3000), seed: 6)
                    let loss = OracleLoss(observable: observable, grid: [0.2, 0.5, 0.9].map { $0 * path.endTime })
                    var adjoint = loss.adjoint(path, network: network)
                    if barriers > 0 {
                        for n in stride(from: barriers, through: path.eventCount, by: barriers) { adjoint.cutStateAdjoint(atEvent: n) }
                    }
                    var carried = try StraightThroughGradient(network: network, options: GradientOptions(truncation: truncation))
                    carried.usesChainLoop = false
                    var readded = carried
                    readded.carriesBucketSum = false
                    assertClose(try carried.gradient(of: path, adjoint: adjoint), try readded.gradient(of: path, adjoint: adjoint),
                                relative: 1e-10, "\(network.reactionCount) reactions, K \(truncation), barriers \(barriers)")
                }
            }
        }
    }

    func testOtherSettingsTakeTheGeneralLoop() throws {
        let (_, network, observable) = try networks()[0]
        let g = try gradients(network, observable: observable, horizon: .events(2000), seed: 2,
                              options: GradientOptions(truncation: 2))
        XCTAssertEqual(g.sparse, g.general)
    }
}
