// Long ensemble runs report progress without changing their results.
import Foundation
import StochasticKinetics
import XCTest

/// Collects (done, total) reports from worker threads.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [(Int, Int)] = []
    func add(_ done: Int, _ total: Int) { lock.lock(); reports.append((done, total)); lock.unlock() }
    var all: [(Int, Int)] { lock.lock(); defer { lock.unlock() }; return reports }
}

final class ProgressTests: XCTestCase {
    func testSimulateAndGradientReportEveryTrajectoryAndKeepTheirResults() throws {
        let model = BenchmarkModels.channel3
        let engine = try EnsembleSimulator(network: model.network)
        let simLog = ProgressLog(), gradLog = ProgressLog()
        let paths = try engine.simulate(trajectories: 12, horizon: .events(500), seed: 3, threads: 2,
                                        progress: { simLog.add($0, $1) })
        let adjoints = paths.map { path -> TrajectoryAdjoint in
            var adjoint = TrajectoryAdjoint(for: path, speciesCount: 3)
            TrajectoryStatistics.addTimeAverageAdjoint(path, series: path.observableSeries(model.observable, network: model.network),
                                                       observable: model.observable, from: 0, to: path.endTime, weight: 1,
                                                       into: &adjoint)
            return adjoint
        }
        let reported = try engine.gradient(trajectories: paths, adjoints: adjoints, threads: 2, progress: { gradLog.add($0, $1) })
        let silent = try engine.gradient(trajectories: paths, adjoints: adjoints, threads: 1)
        XCTAssertEqual(reported, silent)
        for log in [simLog, gradLog] {
            XCTAssertEqual(log.all.map(\.0).sorted(), Array(1...12))
            XCTAssert(log.all.allSatisfy { $0.1 == 12 })
        }
    }
}
