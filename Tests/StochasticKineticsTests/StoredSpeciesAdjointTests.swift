// A loss adjoint that stores only the species its observables read gives the gradient of the
// full adjoint, in every reverse loop.
import Foundation
import StochasticKinetics
import XCTest

final class StoredSpeciesAdjointTests: XCTestCase {
    func testStoresOnlyTheObservedSpecies() throws {
        let model = BenchmarkModels.oscillator
        let path = try DirectMethodSimulator(network: model.network).simulate(horizon: .events(500), seed: 1)
        let a = model.network.speciesIndex("A")!, r = model.network.speciesIndex("R")!
        let adjoint = TrajectoryAdjoint(for: path, speciesCount: model.network.speciesCount,
                                        observing: [.species(r, of: model.network), .species(a, of: model.network)])
        XCTAssertEqual(adjoint.storedSpecies, [a, r].sorted())
        XCTAssertEqual(adjoint.states.count, (path.eventCount + 1) * 2)
        XCTAssertEqual(adjoint.column(of: min(a, r)), 0)
        XCTAssertEqual(adjoint.column(of: max(a, r)), 1)
        XCTAssertNil(adjoint.column(of: model.network.speciesIndex("C")!))
        let full = TrajectoryAdjoint(for: path, speciesCount: model.network.speciesCount)
        XCTAssertEqual(full.storedSpecies, Array(0..<model.network.speciesCount))
        XCTAssertEqual(full.column(of: 3), 3)
    }

    /// The oracle's loss (time average, dwell durations, grid values) written into a stored-species
    /// adjoint and into a full one: the same values where stored, so every loop — chain (channel3,
    /// a single channel), two reactions (dimerization), mass action with either relaxation (binding,
    /// oscillator), the general loop (K = 2) — returns the same gradient up to the order of sums.
    func testEveryLoopGivesTheFullAdjointsGradient() throws {
        var cases = try massActionTestNetworks()
        cases.append(("channel3", BenchmarkModels.channel3.network, BenchmarkModels.channel3.observable))
        for (name, network, caseObservable) in cases {
            // (The dimerization's own observable reads both species.)
            let observable = name == "dimerization" ? Observable(weights: [1, 0]) : caseObservable
            let path = try DirectMethodSimulator(network: network).simulate(horizon: .events(5000), seed: 4)
            let loss = OracleLoss(observable: observable, grid: [0.3, 0.6].map { $0 * path.endTime })
            let full = loss.adjoint(path, network: network)
            var stored = TrajectoryAdjoint(for: path, speciesCount: network.speciesCount, observing: [observable])
            XCTAssertLessThan(stored.storedSpecies.count, network.speciesCount, name)
            stored.times = full.times
            for n in 0...path.eventCount {
                for (c, s) in stored.storedSpecies.enumerated() {
                    stored.states[n * stored.storedSpecies.count + c] = full.states[n * network.speciesCount + s]
                }
            }
            for n in stride(from: 11, through: path.eventCount, by: 11) { stored.cutStateAdjoint(atEvent: n) }
            var fullWithBarriers = full
            fullWithBarriers.barriers = stored.barriers
            let settings: [(Int?, ChoiceRelaxation, Bool)] = [(1, .allReactions, false), (nil, .allReactions, true), (1, .runnerUp, false),
                                                              (nil, .runnerUp, false), (2, .allReactions, false)]
            for (truncation, relaxation, barriers) in settings {
                let reverse = try StraightThroughGradient(network: network,
                                                          options: GradientOptions(truncation: truncation, relaxation: relaxation))
                let label = "\(name), K \(truncation.map(String.init) ?? "none"), \(relaxation), barriers \(barriers)"
                let expected = try reverse.gradient(of: path, adjoint: barriers ? fullWithBarriers : full)
                var sparse = stored
                if !barriers { sparse.barriers = [] }
                let got = try reverse.gradient(of: path, adjoint: sparse)
                let scale = expected.map(abs).max()!
                XCTAssertGreaterThan(scale, 0, label)
                // Sums over 5·10³ events in another order: rounding far below 1e-11 of the largest component.
                for k in got.indices { XCTAssertEqual(got[k], expected[k], accuracy: 1e-11 * scale, "\(label), parameter \(k)") }
            }
        }
    }

    /// The time-average helper writes into the stored columns what it writes into a full adjoint.
    func testTimeAverageAdjointWritesTheStoredColumns() throws {
        let model = BenchmarkModels.dimerization
        let path = try DirectMethodSimulator(network: model.network).simulate(horizon: .events(300), seed: 2)
        let series = path.observableSeries(model.observable, network: model.network)
        var full = TrajectoryAdjoint(for: path, speciesCount: 2)
        var stored = TrajectoryAdjoint(for: path, speciesCount: 2, observing: [model.observable])
        TrajectoryStatistics.addTimeAverageAdjoint(path, series: series, observable: model.observable, from: 0.1, to: 0.9,
                                                   weight: 2, into: &full)
        TrajectoryStatistics.addTimeAverageAdjoint(path, series: series, observable: model.observable, from: 0.1, to: 0.9,
                                                   weight: 2, into: &stored)
        XCTAssertEqual(stored.times, full.times)
        let s = model.network.speciesIndex("A")!
        XCTAssertEqual(stored.storedSpecies, [s])
        for n in 0...path.eventCount { XCTAssertEqual(stored.states[n], full.states[n * 2 + s]) }
        XCTAssertTrue(stored.states.contains { $0 != 0 })
    }
}
