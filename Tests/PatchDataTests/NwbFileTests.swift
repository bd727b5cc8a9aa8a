import Foundation
import PatchData
import PatchFitTestSupport
import XCTest

final class NwbFileTests: XCTestCase {
    /// A two-channel, three-sweep recording with awkward values (denormals, extremes, negatives).
    func sampleRecording() -> Recording {
        var rng = TestRNG(state: 7)
        func sweep(_ n: Int) -> [Float] { (0..<n).map { _ in Float(Int64(bitPattern: rng.next()) % 100_000) / 37 } + [Float.leastNonzeroMagnitude, -3.4e38, 0] }
        let current = RecordingChannel(name: "Im_primary", units: "pA", sweeps: (0..<3).map { _ in sweep(997) })
        let voltage = RecordingChannel(name: "Vm", units: "mV", sweeps: (0..<3).map { _ in sweep(997) })
        return Recording(channels: [current, voltage], sampleInterval: 1.0 / 48_000, sweepStartTimes: [0, 1.5, 3],
                         provenance: Provenance(file: "", format: .synthetic))
    }

    func testRoundTripIsLossless() throws {
        let path = try TestData.scratchFolder(self).appendingPathComponent("round.nwb").path
        let original = sampleRecording()
        try NwbFile.write(original, to: path)
        XCTAssertEqual(try PatchFileReader.detectFormat(path: path), .nwb)
        guard case .recording(let back) = try PatchFileReader.read(path) else { return XCTFail("not a recording") }
        XCTAssertEqual(back.channels.map(\.name), ["Im_primary", "Vm"])
        XCTAssertEqual(back.channels.map(\.units), ["pA", "mV"])
        for (a, b) in zip(back.channels, original.channels) {
            XCTAssertEqual(a.sweeps.count, 3)
            for (x, y) in zip(a.sweeps, b.sweeps) { XCTAssertEqual(x.map(\.bitPattern), y.map(\.bitPattern), a.name) }
        }
        XCTAssertEqual(back.sampleInterval, original.sampleInterval, accuracy: 1e-15 * 48_000)
        XCTAssertEqual(back.sweepStartTimes, original.sweepStartTimes)
        XCTAssertEqual(back.provenance.formatVersion, NwbFile.nwbVersion)
    }

    /// pynwb (the NWB reference API) must open what PatchFit writes and see the same samples
    /// and rate. CI installs pynwb; the test fails with a clear message when it is missing.
    func testPynwbReadsOurFile() throws {
        let folder = try TestData.scratchFolder(self)
        let path = folder.appendingPathComponent("interop.nwb").path
        let original = sampleRecording()
        try NwbFile.write(original, to: path)
        let script = TestData.packageRoot.appendingPathComponent("Tests/interop/read_nwb.py").path
        let run = try ChildProcess.run("python3", [script, path], timeout: 300)
        XCTAssertEqual(run.status, 0, "pynwb failed (pip install pynwb): \(run.stderr.suffix(2000))")
        guard run.status == 0 else { return }
        let output = Data(run.stdout.utf8)
        let json = try JSONSerialization.jsonObject(with: output) as! [String: [String: Any]]
        let series = try XCTUnwrap(json["Im_primary_sweep001"])
        XCTAssertEqual(series["type"] as? String, "VoltageClampSeries")
        XCTAssertEqual((series["rate"] as? NSNumber)?.doubleValue ?? 0, 48_000, accuracy: 1e-6)
        let amperes = (series["first_values_si"] as? [NSNumber])?.map(\.doubleValue) ?? []
        XCTAssertEqual(amperes.count, 5)
        for (a, pA) in zip(amperes, original.channels[0].sweeps[1]) { XCTAssertEqual(a * 1e12, Double(pA), accuracy: 1e-6 * max(1, abs(Double(pA)))) }
        XCTAssertEqual(json["Vm_sweep002"]?["type"] as? String, "CurrentClampSeries")
        XCTAssertEqual(json.count, 6)
    }
}
