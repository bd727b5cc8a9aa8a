// Reduced-size end-to-end fits by gradient descent from wrong, ratio-breaking starts
// (full sizes: `patchfit bench engine --fits`).
import Foundation
import StochasticKinetics
import XCTest

final class FitTests: XCTestCase {
    /// kf × 3, kb ÷ 2 → both within 2 %. With 2·10⁴ target trajectories the target means carry
    /// ~0.1–0.3 % noise and 600 iterations of 64 trajectories reach ~0.5 %, so 2 % is ≥ 4× the
    /// expected error while a fit that stalls or drifts along kf/kb fails.
    func testDimerizationRatesAreRecovered() throws {
        let r = try FitBenchmarks.dimerization(size: FitBenchmarkSize(targetTrajectories: 20_000, trajectoriesPerIteration: 64,
                                                                      iterations: 600))
        print("dimerization fit: errors \(r.relativeErrors), wall \(r.wallSeconds) s")
        for e in r.relativeErrors { XCTAssertLessThan(abs(e), 0.02) }
    }
}

final class OscillatorFitTests: XCTestCase {
    /// βA × 1.3 and δR × 0.75 → within 8 %. The full size (400-trajectory target, 24 × 80) reached
    /// −0.5 % / +1.3 %; this quarter-size run has ~2× the noise, so 8 % still catches a fit that
    /// does not move (the start is 30 % / 25 % off) or moves the wrong way.
    func testVilarRatesAreRecovered() throws {
        let r = try FitBenchmarks.oscillator(size: FitBenchmarkSize(targetTrajectories: 300, trajectoriesPerIteration: 12,
                                                                    iterations: 48))
        print("oscillator fit: errors \(r.relativeErrors), wall \(r.wallSeconds) s")
        for e in r.relativeErrors { XCTAssertLessThan(abs(e), 0.08) }
    }
}

final class StarFitTests: XCTestCase {
    /// The three competing opening rates of a star channel (× 1.3, 0.75, 1.3). At the defaults
    /// (all reactions, τ 0.5, K 1) the straight-through ∂Popen of this scheme is 40 % off, yet the
    /// fit lands within ~1 % (full size, three seeds): where the model matches the targets the
    /// expected gradient vanishes whatever the bias of ∂m. 3 % is ~3× this reduced size's error.
    /// With K = 0 (waiting times only) the branching in C is invisible and the fit stays far off.
    func testOpeningRatesAreRecoveredDespiteABiasedGradient() throws {
        let size = FitBenchmarkSize(targetTrajectories: 200_000, trajectoriesPerIteration: 500, iterations: 200)
        let r = try FitBenchmarks.star(size: size)
        print("star fit, defaults: errors \(r.relativeErrors), wall \(r.wallSeconds) s")
        for e in r.relativeErrors { XCTAssertLessThan(abs(e), 0.03) }
        let blind = try FitBenchmarks.star(size: size, options: GradientOptions(truncation: 0))
        print("star fit, K = 0: errors \(blind.relativeErrors)")
        XCTAssertGreaterThan(blind.relativeErrors.map(abs).max() ?? 0, 0.1)
    }
}

final class CurriculumFitTests: XCTestCase {
    /// The stages run in order over the windows that end by each horizon, then over all of them:
    /// the result reports the stages, every stage's iterations and losses, and still recovers the
    /// dimerization's rates (kf × 3, kb ÷ 2; single-stage reduced size reaches ~0.5 %, so 2 %).
    func testStagesRunInOrderAndStillRecoverTheRates() throws {
        let size = FitBenchmarkSize(targetTrajectories: 20_000, trajectoriesPerIteration: 64, iterations: 300)
        let r = try FitBenchmarks.dimerizationProblem().fit(size: size, horizons: [1.6, 0.4, 9])
        print("dimerization curriculum fit: errors \(r.relativeErrors), wall \(r.wallSeconds) s")
        XCTAssertEqual(r.horizons, [0.4, 1.6, 3.2])
        XCTAssertEqual(r.iterations, 900)
        XCTAssertEqual(r.losses.count, 900)
        XCTAssertEqual(r.start, [0.06, 0.5], accuracy: 1e-12)
        for e in r.relativeErrors { XCTAssertLessThan(abs(e), 0.02) }
    }

    /// Four oscillator rates 30 % off (βA, δA, βR, δR) fail in one stage but a 3, 6, 9, 12 h
    /// curriculum recovers them (full size, 800-trajectory target: within 0.4 %, 3.4 %, 0.6 % on
    /// seeds 1–3). At this size (400-trajectory target, 24 × 100 per stage) it reached +2.0,
    /// −0.3, +0.7, +5.6 %, and one stage of the same size +48, −32, +27, +32 %: 10 % separates
    /// the two. δR, the slowest rate, converges last. Smaller sizes left δR 11–15 % off.
    func testCurriculumRecoversFourOscillatorRates() throws {
        let problem = try FitBenchmarks.oscillatorProblem(fitted: ["betaA", "deltaA", "betaR", "deltaR"])
        let r = try problem.fit(size: FitBenchmarkSize(targetTrajectories: 400, trajectoriesPerIteration: 24, iterations: 100),
                                horizons: [3, 6, 9])
        print("oscillator four-rate curriculum fit: errors \(r.relativeErrors), wall \(r.wallSeconds) s")
        for e in r.relativeErrors { XCTAssertLessThan(abs(e), 0.10) }
    }

    /// `WindowAverageFit`'s own curriculum, as a library caller with their own targets would run
    /// it: each stage keeps the windows that end by its horizon with their columns of the targets;
    /// the run equals the stages run one after another by hand (each from the last's estimate),
    /// and its progress counts on across stages.
    func testWindowAverageFitCurriculumIsTheStagesInOrder() throws {
        var network = try ReactionNetwork(yaml: String(contentsOf: packageRoot.appendingPathComponent("Data/models/dimerization.yaml"),
                                                       encoding: .utf8))
        network.initialState = [100, 0]
        let windows: [ClosedRange<Double>] = [0...0.5, 0.5...1, 1...2, 2...4]
        let targets = [[80.0, 60, 45, 40], [10.0, 20, 27, 30]]
        let fit = try WindowAverageFit(network: network, observables: [.species(0, of: network), .species(1, of: network)],
                                       windows: windows, targets: targets, scales: [10, 5], trajectoriesPerIteration: 8)
        let stages = try fit.curriculumStages(horizons: [2, 1, 2, 4, 9])
        XCTAssertEqual(stages.map(\.horizon), [1, 2, 4])
        XCTAssertEqual(stages.map(\.fit.windows), [[0...0.5, 0.5...1], [0...0.5, 0.5...1, 1...2], windows])
        XCTAssertEqual(stages.map(\.fit.targets), [[[80, 60], [10, 20]], [[80, 60, 45], [10, 20, 27]], targets])

        let start = network.parameterCoordinates.map { $0 + 0.3 }
        let schedule = LearningRateSchedule.exponentialDecay(initial: 0.05, final: 0.005, iterations: 6)
        var reported: [Int] = []
        let staged = try fit.run(start: start, iterations: 6, schedule: schedule, seed: 3, threads: 2, horizons: [1, 2]) { i, _ in
            reported.append(i)
        }
        var theta = start, losses: [Double] = []
        for stage in stages.map(\.fit) {
            let result = try stage.run(start: theta, iterations: 6, schedule: schedule, seed: 3, threads: 1)
            theta = result.estimate
            losses += result.losses
        }
        XCTAssertEqual(staged.estimate, theta)
        XCTAssertEqual(staged.losses, losses)
        XCTAssertEqual(staged.iterates.count, 3 * 6 + 1)
        XCTAssertEqual(reported, Array(0..<18))
        XCTAssertNotEqual(staged.estimate, try fit.run(start: start, iterations: 18, schedule: schedule, seed: 3).estimate)
        XCTAssertThrowsError(try fit.curriculumStages(horizons: [.nan]))
        XCTAssertThrowsError(try fit.curriculumStages(horizons: [0.2])) { error in
            XCTAssertTrue("\(error)".contains("no window ends by the curriculum horizon 0.2 (the first ends at 0.5)"), "\(error)")
        }
        // The same stages without a fit: what a caller checks before simulating anything.
        let plan = try WindowAverageFit.curriculum(horizons: [2, 1, 2, 4, 9], windows: windows)
        XCTAssertEqual(plan.map(\.horizon), [1, 2, 4])
        XCTAssertEqual(plan.map(\.windows), [[0, 1], [0, 1, 2], nil])
        XCTAssertEqual(try FitBenchmarks.dimerizationProblem().stageHorizons([0.4, 0.1]), [0.1, 0.4, 3.2])
        XCTAssertThrowsError(try FitBenchmarks.dimerizationProblem().stageHorizons([0.01]))
    }

    /// Horizons that are not positive, or that no window ends by, are refused.
    func testBadHorizonsAreRefused() throws {
        let problem = FitBenchmarks.dimerizationProblem()
        let size = FitBenchmarkSize(targetTrajectories: 10, trajectoriesPerIteration: 2, iterations: 4)
        XCTAssertThrowsError(try problem.fit(size: size, horizons: [-1]))
        XCTAssertThrowsError(try problem.fit(size: size, horizons: [0.01])) { error in
            XCTAssertTrue("\(error)".contains("no window ends by"), "\(error)")
        }
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
