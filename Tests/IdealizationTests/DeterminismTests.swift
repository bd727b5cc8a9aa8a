import Foundation
import Idealization
import PatchData
import XCTest

final class DeterminismTests: XCTestCase {
    /// The same record and settings give byte-identical dwell files, for every method, on a
    /// record long enough to be decoded in several parallel Viterbi chunks.
    func testByteIdenticalOutput() throws {
        let truth = Schemes.threeState.simulate(duration: 6, seed: 77)
        let x = try MarkovSimulator.render(truth, dt: 1e-5, amplitude: 2, cutoff: 5000, noiseSD: 0.3, seed: 78)
        XCTAssertGreaterThan(x.count, 2 * (1 << 18))
        let dir = FileManager.default.temporaryDirectory
        for method in IdealisationSettings.Method.allCases {
            var s = IdealisationSettings()
            s.method = method
            s.filterCutoff = 4000
            s.baselineCorrection = method == .skm   // the drift loop once is enough (test time)
            var files: [Data] = []
            for run in 0..<2 {
                let r = try Idealiser.idealise(samples: x, sampleInterval: 1e-5, settings: s)
                let path = dir.appendingPathComponent("patchfit-determinism-\(method)-\(run).csv").path
                try DwellFileWriter.write(r.dwells, to: path, format: .dwellCSV)
                files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
                try? FileManager.default.removeItem(atPath: path)
            }
            XCTAssertFalse(files[0].isEmpty)
            XCTAssertEqual(files[0], files[1], "\(method) output differs between runs")
        }
    }
}
