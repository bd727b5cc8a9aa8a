import Foundation
import Idealization
import PatchData
import SignalProcessing
import XCTest

/// Idealisation with a level model held fixed (the SSA route's observation of simulated records).
final class KnownModelTests: XCTestCase {
    let dt = 1e-5, cutoff = 5000.0, resolution = 1e-4

    func settings(_ method: IdealisationSettings.Method) -> IdealisationSettings {
        var s = IdealisationSettings.renderedRecord(acquisitionCutoff: cutoff, resolution: resolution)
        s.method = method
        s.levelCount = 2
        return s
    }

    /// Decoding a second record with the model SKM converged to on a first one reproduces what
    /// SKM finds on that second record by itself: the two idealisations share the Viterbi
    /// decoder and differ only by the re-estimation's noise, so opening counts agree within 1 %
    /// and mean open and shut times within 2 % (a few intervals near t_res change sides).
    func testKnownModelReproducesAFreshSKMIdealisation() throws {
        let scheme = Schemes.threeState
        let first = try MarkovSimulator.render(scheme.simulate(duration: 4, seed: 11), dt: dt, amplitude: 1, cutoff: cutoff,
                                               noiseSD: 0.12, seed: 12)
        let fitted = try Idealiser.idealise(samples: first, sampleInterval: dt, settings: settings(.skm))
        let model = LevelModel(means: fitted.levels, sds: fitted.levelSDs, transitions: fitted.transitionProbabilities,
                               initial: [0.5, 0.5])
        let second = try MarkovSimulator.render(scheme.simulate(duration: 4, seed: 13), dt: dt, amplitude: 1, cutoff: cutoff,
                                                noiseSD: 0.12, seed: 14)
        let fresh = try Idealiser.idealise(samples: second, sampleInterval: dt, settings: settings(.skm))
        let known = try Idealiser.idealise(samples: second, sampleInterval: dt, knownModel: model, settings: settings(.skm))
        let a = DwellStatistics(fresh.dwells), b = DwellStatistics(known.dwells)
        XCTAssertGreaterThan(a.allOpenTimes.count, 500)
        XCTAssertEqual(Double(b.allOpenTimes.count) / Double(a.allOpenTimes.count), 1, accuracy: 0.01)
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
        XCTAssertEqual(mean(b.allOpenTimes) / mean(a.allOpenTimes), 1, accuracy: 0.02)
        XCTAssertEqual(mean(b.shutTimes) / mean(a.shutTimes), 1, accuracy: 0.02)
        XCTAssertEqual(known.levels, fitted.levels, "the given levels are reported, not re-estimated")
        XCTAssertEqual(known.iterations, 0)
    }

    /// Threshold crossing with a known model splits halfway between its levels, whichever order
    /// they are given in; a level the record never reaches is not an error.
    func testThresholdWithUnvisitedLevel() throws {
        let truth = Schemes.twoState(opening: 500, closing: 1000).simulate(duration: 1, seed: 21)
        let x = try MarkovSimulator.render(truth, dt: dt, amplitude: 1, cutoff: cutoff, noiseSD: 0.05, seed: 22)
        let model = LevelModel(means: [2, 0, 1], sds: [0.05, 0.05, 0.05])
        var s = settings(.threshold)
        s.levelCount = nil
        let result = try Idealiser.idealise(samples: x, sampleInterval: dt, knownModel: model, settings: s)
        XCTAssertEqual(result.levels, [0, 1, 2])
        XCTAssertFalse(result.dwells.dwells.contains { $0.level == 2 })
        let expected = try ResolutionImposition.impose(truth, resolution: resolution)
        XCTAssertEqual(Double(result.dwells.openingCount), Double(expected.openingCount), accuracy: 0.03 * Double(expected.openingCount))
    }

    /// Unusable models are refused with a message, not decoded.
    func testBadModelsAreRefused() {
        let x = [Double](repeating: 0, count: 100)
        let bad: [LevelModel] = [
            LevelModel(means: [0], sds: [1]),                                                  // one level
            LevelModel(means: [0, 0], sds: [1, 1]),                                            // not distinct
            LevelModel(means: [0, .nan], sds: [1, 1]),                                         // not finite
            LevelModel(means: [0, 1], sds: [1, 0]),                                            // zero SD
            LevelModel(means: [0, 1], sds: [1, 1], transitions: [[0.9, 0.2], [0.1, 0.9]], initial: [0.5, 0.5]),  // row sum 1.1
        ]
        for model in bad {
            XCTAssertThrowsError(try Idealiser.idealise(samples: x, sampleInterval: dt, knownModel: model, settings: settings(.skm))) { e in
                XCTAssertTrue("\(e)".contains("known level model"), "\(e)")
            }
        }
    }
}
