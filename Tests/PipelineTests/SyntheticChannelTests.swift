import Foundation
import GatingModels
import PatchData
import Pipeline
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
