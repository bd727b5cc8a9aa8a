import Foundation
import GatingModels
import PatchData
import Idealization
import Pipeline
import StochasticKinetics
import XCTest

final class SyntheticChannelTests: XCTestCase {
    func scheme(_ name: String) throws -> GatingScheme {
        try GatingScheme(contentsOf: CLI.packageRoot.appendingPathComponent("Data/schemes/\(name)").path)
    }

    /// The rendered current's mean over a long record equals amplitude × Popen from Q-matrix
    /// theory (an independent oracle). C–C–O at 1 µM: Popen = 0.25/1.3 = 0.1923.
    func testMeanCurrentMatchesEquilibriumPopen() throws {
        let cco = try scheme("cco.yaml")
        let conditions = RecordConditions(concentration: 1e-6)
        let popen = try cco.qMatrix(conditions).equilibriumOccupancies()[2]
        XCTAssertEqual(popen, 0.25 / 1.3, accuracy: 1e-9)
        let r = try SyntheticChannel.record(cco, settings: .init(conditions: conditions, duration: 60, sampleRate: 20_000,
                                                                 filterHz: 2_000, noiseRMS: 0.3, seed: 11))
        let x = r.channels[0].sweeps[0]
        let mean = x.reduce(0.0) { $0 + Double($1) } / Double(x.count)
        // Bursts last ~ (1/α)(1+β/k−)… ≈ 3.5 ms and arrive at ~100/s·p(C1): 60 s holds ~5000
        // bursts, so Popen's relative standard error is a few percent; allow 6 %.
        XCTAssertEqual(mean / 5, popen, accuracy: 0.06 * popen)
    }

    func testNoiseRMSIsTheRequestedValueAfterFiltering() throws {
        // All channels start shut and a closed-only scheme never opens: the record is pure noise.
        let yaml = """
            name: shut
            states:
              - {name: "C", class: 0}
              - {name: "O", class: 1, amplitude: 5.0}
            rates:
              - {name: open, from: "C", to: "O", value: 1.0e-9}
              - {name: shut, from: "O", to: "C", value: 1000}
            """
        let s = try GatingScheme(yaml: yaml)
        let r = try SyntheticChannel.record(s, settings: .init(conditions: RecordConditions(), duration: 2, sampleRate: 50_000,
                                                               filterHz: 5_000, noiseRMS: 0.7, seed: 3))
        let x = r.channels[0].sweeps[0].map(Double.init)
        let rms = (x.reduce(0) { $0 + $1 * $1 } / Double(x.count)).squareRoot()
        XCTAssertEqual(rms, 0.7, accuracy: 1e-4)  // scaled exactly; Float storage rounds ~1e-7
    }

    func testSameSeedSameRecordDifferentSeedDifferentRecord() throws {
        let cco = try scheme("cco.yaml")
        let settings = SyntheticChannel.Settings(conditions: RecordConditions(concentration: 1e-6), duration: 0.5, seed: 5)
        let a = try SyntheticChannel.record(cco, settings: settings)
        let b = try SyntheticChannel.record(cco, settings: settings)
        XCTAssertEqual(a.channels[0].sweeps, b.channels[0].sweeps)
        let c = try SyntheticChannel.record(cco, settings: settings, record: 1)
        XCTAssertNotEqual(a.channels[0].sweeps, c.channels[0].sweeps)
    }
}

/// The SSA route's recording observation: render a simulated record and idealise it.
final class RecordingObservationTests: XCTestCase {
    /// A clean record (1 MHz, no filter, 0.01 pA noise on a 5 pA step) idealised by threshold
    /// finds the intervals that imposing the resolution on the simulated levels gives: the same
    /// count and mean open and shut times within 1 %, the first interval starting within two
    /// samples of its time. (At 100 kHz the count is 2.4 % high: sojourns of 40–50 µs that
    /// cover five samples pass a 50 µs resolution — the sampling effect the observation is for.)
    func testCleanRecordIsSeenAsSimulated() throws {
        let cco = try GatingScheme(contentsOf: CLI.packageRoot.appendingPathComponent("Data/schemes/cco.yaml").path)
        let net = try SchemeNetwork(cco, conditions: RecordConditions(concentration: 10e-6), channels: 1)
        let duration = 4.0
        let path = try DirectMethodSimulator(network: net.network).simulate(horizon: .time(duration), seed: 3)
        let observable = SchemeNetwork.levelObservable(cco, channels: 1)
        let levels = path.observableSeries(observable, network: net.network)
        let raw = TrajectoryStatistics.dwells(path, series: levels)
        let exact = try ResolutionImposition.impose(
            DwellSequence(dwells: raw.map { Dwell(level: Int($0.level), amplitude: $0.level * 5, duration: $0.duration) },
                          provenance: Provenance(file: "x", format: .synthetic)), resolution: 50e-6)
        XCTAssertGreaterThan(exact.count, 1000)
        func mean(_ s: DwellSequence, open: Bool) -> Double {
            let d = s.dwells.dropFirst().dropLast().filter { $0.isOpen == open }.map(\.duration)
            return d.reduce(0, +) / Double(d.count)
        }
        // Levels estimated per record, and the data's level model held fixed.
        for model in [nil, LevelModel(means: [0, 5], sds: [0.01, 0.01])] {
            let observation = RecordingObservation.observation(sampleInterval: 1e-6, levelCurrents: [0, 5], noiseRMS: 0.01,
                                                               bandwidth: nil, method: .threshold, resolution: 50e-6, knownModel: model)
            let seen = try observation.observe(path, levels, duration, 1)
            XCTAssertEqual(Double(seen.count), Double(exact.count), accuracy: 0.01 * Double(exact.count))
            for open in [true, false] {
                XCTAssertEqual(mean(seen, open: open), mean(exact, open: open), accuracy: 0.01 * mean(exact, open: open), "open \(open)")
            }
            // Both end at the record's end, so their starts line up.
            XCTAssertEqual(duration - seen.totalDuration, duration - exact.totalDuration, accuracy: 2e-6)
        }
    }
}

extension RecordingObservationTests {
    /// The SSA route runs through an observation (likelihood-ratio gradient), and refuses the
    /// straight-through gradient, which needs the trajectory segments an idealised record lacks.
    func testSSAFitThroughAnObservation() throws {
        let cco = try GatingScheme(contentsOf: CLI.packageRoot.appendingPathComponent("Data/schemes/cco.yaml").path)
        let conditions = RecordConditions(concentration: 10e-6)
        let data = try SchemeSimulation.dwellSequence(cco, conditions: conditions, channels: 1, duration: 2, resolution: 50e-6, seed: 4)
        let observation = RecordingObservation.observation(sampleInterval: 2e-5, levelCurrents: [0, 5], noiseRMS: 0.3,
                                                           bandwidth: 5000, method: .skm, resolution: 50e-6)
        let input = FitInput(data, conditions: conditions, observation: observation)
        let settings = FitSettings(resolution: 50e-6, route: .ssa, seed: 2, ssaIterations: 8, ssaBootstrap: 0)
        let result = try XCTUnwrap(KineticFitting.run(cco, inputs: [input], settings: settings).first)
        XCTAssertEqual(result.lossCurve.count, 8)
        XCTAssertTrue(result.lossCurve.allSatisfy(\.isFinite))
        XCTAssertTrue(result.rates.allSatisfy { $0.value.isFinite && $0.value > 0 })
        var straight = settings
        straight.ssaEstimator = .straightThrough
        XCTAssertThrowsError(try KineticFitting.run(cco, inputs: [input], settings: straight))
    }
}
