import Foundation
import PatchData
import XCTest

final class AbfFileTests: XCTestCase {
    /// The vendor library's first sample of each channel (expected_first_values.json).
    func expectedFirstValues() throws -> [String: [Double]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestData.path("abf/expected_first_values.json")))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (json["values"] as! [String: [NSNumber]]).mapValues { $0.map(\.doubleValue) }
    }

    /// `* key = `value`` lines of a pyABF header dump.
    func headerField(_ name: String, in stem: String) throws -> String? {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: TestData.path("abf/headers/\(stem).md"))), as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("* \(name) = `") {
            return String(line.dropFirst("* \(name) = `".count).dropLast())
        }
        return nil
    }

    func recording(_ path: String) throws -> Recording {
        guard case .recording(let r) = try PatchFileReader.read(path) else { throw XCTSkip("not a recording") }
        return r
    }

    func testFirstSampleOfEveryChannelMatchesVendorLibrary() throws {
        let expected = try expectedFirstValues()
        XCTAssertEqual(expected.count, 10)
        for (stem, values) in expected {
            let r = try recording(TestData.path("abf/\(stem).abf"))
            XCTAssertEqual(r.channels.count, values.count, stem)
            for (channel, value) in zip(r.channels, values) {
                let got = Double(channel.sweeps[0][0])
                // 1e-3 relative is the bar; the vendor values are printed to 5 decimals.
                XCTAssertEqual(got, value, accuracy: max(1e-3 * abs(value), 1e-5), "\(stem) \(channel.name)")
            }
        }
    }

    func testRateSweepsAndNamesAgreeWithHeaderDumps() throws {
        for path in try TestData.files(in: "abf", extension: "abf") {
            let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let r = try recording(path)
            let rate = try XCTUnwrap(headerField("sampleRate", in: stem).flatMap(Double.init), stem)
            XCTAssertEqual(r.sampleRate, rate, accuracy: 1e-6 * rate, stem)
            XCTAssertEqual(r.sweepCount, try XCTUnwrap(headerField("sweepCount", in: stem).flatMap(Int.init)), stem)
            let units = try XCTUnwrap(headerField("adcUnits", in: stem))
            XCTAssertEqual(units, "[" + r.channels.map { "'\($0.units)'" }.joined(separator: ", ") + "]", stem)
            let names = try XCTUnwrap(headerField("adcNames", in: stem))
            if names.contains("?") || names.contains("\\x00") {
                // pyABF shows blank ABF1 names as '?' or NULs; PatchFit names them as Clampex does.
                XCTAssertTrue(r.channels.allSatisfy { $0.name.hasPrefix("IN ") }, stem)
            } else {
                XCTAssertEqual(names, "[" + r.channels.map { "'\($0.name)'" }.joined(separator: ", ") + "]", stem)
            }
        }
    }

    func testABF1AndABF2SavesOfTheSameRecordingAgree() throws {
        let v1 = try recording(TestData.path("abf/pclamp11_4ch_abf1.abf"))
        let v2 = try recording(TestData.path("abf/pclamp11_4ch.abf"))
        XCTAssertEqual(v1.provenance.format, .abf1)
        XCTAssertEqual(v2.provenance.format, .abf2)
        XCTAssertEqual(v1.samplesPerSweep, v2.samplesPerSweep)
        for (a, b) in zip(v1.channels, v2.channels) {
            // The ABF1 save re-quantises: samples agree to within a few ADC steps (~0.01 pA here).
            let worst = zip(a.sweeps[3], b.sweeps[3]).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, 0.05, a.name)
        }
    }

    func testDeepChannelAbfAgreesWithItsCsvTwinSampleBySample() throws {
        let abf = try recording(TestData.path("deepchannel/5ch_drift_outfinaltest985sined.abf"))
        let csv = try recording(TestData.path("deepchannel/5ch_drift_outfinaltest985sined.csv"))
        let a = abf.channels[0].sweeps[0]
        let c = csv.channels[0].sweeps[0]
        XCTAssertEqual(a.count, 99_999)
        XCTAssertEqual(a.count, c.count)
        // The CSV prints 4 decimals (e.g. 3.0928) and was not rounded from these exact counts:
        // pyABF's reading of the same file differs from it by at most 8.94e-5, so one unit
        // of the last printed digit is the right bar.
        let worst = zip(a, c).map { abs(Double($0) - Double($1)) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, 1.0e-4)
        XCTAssertEqual(abf.sampleInterval, 100.136e-6, accuracy: 1e-9)
    }

    func testEpisodicSweepsHaveEqualLengthAndStartTimes() throws {
        let r = try recording(TestData.path("abf/2018_11_16_sh_0006.abf"))
        XCTAssertEqual(r.sweepCount, 60)
        XCTAssertEqual(Set(r.samplesPerSweep).count, 1)
        XCTAssertEqual(r.sweepStartTimes.count, 60)
        XCTAssertTrue(zip(r.sweepStartTimes, r.sweepStartTimes.dropFirst()).allSatisfy { $0 < $1 })
    }

    func testGapFreeMultiChannelFile() throws {
        let r = try recording(TestData.path("abf/2020_07_29_0062.abf"))
        XCTAssertEqual(r.provenance.metadata["nOperationMode"], "3")
        XCTAssertEqual(r.sweepCount, 1)
        XCTAssertEqual(r.channels.map(\.units), ["mV", "pA"])
    }
}

final class AbfWriterTests: XCTestCase {
    func testGapFreeABF1ExportReadsBackWithinOneQuantisationStep() throws {
        let n = 10_000
        let current = (0..<n).map { Float(sin(Double($0) / 50) * 4 - 2) }
        let voltage = (0..<n).map { Float(-70 + Double($0 % 100) / 10) }
        let r = Recording(channels: [RecordingChannel(name: "Im", units: "pA", sweeps: [current]),
                                     RecordingChannel(name: "Vm", units: "mV", sweeps: [voltage])],
                          sampleInterval: 1e-5, provenance: Provenance(file: "", format: .synthetic))
        let path = try TestData.scratchFolder(self).appendingPathComponent("export.abf").path
        try AbfFile.writeGapFreeABF1(r, to: path)
        guard case .recording(let back) = try PatchFileReader.read(path) else { return XCTFail() }
        XCTAssertEqual(back.provenance.format, .abf1)
        XCTAssertEqual(back.channels.map(\.name), ["Im", "Vm"])
        XCTAssertEqual(back.channels.map(\.units), ["pA", "mV"])
        XCTAssertEqual(back.sampleRate, 100_000, accuracy: 1e-3)
        for (a, b) in zip(back.channels, r.channels) {
            let range = Double(b.sweeps[0].max()! - b.sweeps[0].min()!)
            let step = range / 64_000  // ±32000 counts span the range
            let worst = zip(a.sweeps[0], b.sweeps[0]).map { abs(Double($0) - Double($1)) }.max()!
            XCTAssertLessThanOrEqual(worst, step, a.name)
        }
    }
}
