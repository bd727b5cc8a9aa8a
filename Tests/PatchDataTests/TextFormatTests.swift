import Foundation
import PatchData
import XCTest

final class TextFormatTests: XCTestCase {
    func write(_ text: String, _ name: String) throws -> String {
        let url = try TestData.scratchFolder(self).appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func recording(_ path: String, _ options: ReadOptions = ReadOptions()) throws -> Recording {
        guard case .recording(let r) = try PatchFileReader.read(path, options: options) else { XCTFail("not a recording"); throw XCTSkip() }
        return r
    }

    func dwells(_ path: String) throws -> DwellSequence {
        guard case .dwells(let d) = try PatchFileReader.read(path) else { XCTFail("not dwells"); throw XCTSkip() }
        return d
    }

    func testLineEndingsLFCRLFAndCRGiveTheSameTrace() throws {
        let rows = ["time_s,current_pA", "0.0,1.5", "0.0001,2.5", "0.0002,-1.25", "0.0003,0"]
        var traces: [Recording] = []
        for (name, ending) in [("lf.csv", "\n"), ("crlf.csv", "\r\n"), ("cr.csv", "\r")] {
            traces.append(try recording(try write(rows.joined(separator: ending) + ending, name)))
        }
        for t in traces {
            XCTAssertEqual(t.channels.count, 1)
            XCTAssertEqual(t.channels[0].name, "current")
            XCTAssertEqual(t.channels[0].units, "pA")
            XCTAssertEqual(t.channels[0].sweeps[0], [1.5, 2.5, -1.25, 0])
            XCTAssertEqual(t.sampleRate, 10_000, accuracy: 1e-6)
        }
    }

    func testDeepChannelCsvWithoutHeaderUsesItsTimeColumn() throws {
        let r = try recording(TestData.path("deepchannel/1ch_outfinaltest10.csv"))
        XCTAssertEqual(r.channels.count, 2)  // current and the true number of open channels
        XCTAssertEqual(r.samplesPerSweep, [99_999])
        XCTAssertEqual(r.sampleRate, 10_000, accuracy: 0.01)
        XCTAssertEqual(r.channels[0].sweeps[0][0], -2.682648, accuracy: 1e-6)
        XCTAssertEqual(Set(r.channels[1].sweeps[0]), [0, 1])
    }

    func testSingleColumnNeedsASampleRate() throws {
        let path = TestData.path("mscl/ic25kHz_12_sgmnt1.csv")
        XCTAssertThrowsError(try PatchFileReader.read(path)) { error in
            XCTAssertEqual((error as? PatchDataError)?.field, "sample rate")
        }
        let r = try recording(path, ReadOptions(sampleRate: 75_000))
        XCTAssertEqual(r.samplesPerSweep, [200_001])
        XCTAssertEqual(r.channels[0].units, "pA")
    }

    func testRawFloat32MatchesItsCsvTwin() throws {
        let raw = try recording(TestData.path("mscl/ic25kHz_12_sgmnt1.f32"), ReadOptions(sampleRate: 75_000, rawSampleType: .float32, units: "pA"))
        let csv = try recording(TestData.path("mscl/ic25kHz_12_sgmnt1.csv"), ReadOptions(sampleRate: 75_000))
        XCTAssertEqual(raw.channels[0].sweeps[0], csv.channels[0].sweeps[0])
    }

    func testATFWithOptionalRecordsAndMillisecondTime() throws {
        let atf = "ATF\t1.0\n2\t2\n\"AcquisitionMode=Gap Free\"\n\"Comment=\"\n\"Time (ms)\"\t\"Trace #1 (pA)\"\n0\t1\n0.05\t2\n0.1\t3\n"
        let r = try recording(try write(atf, "trace.atf"))
        XCTAssertEqual(r.provenance.formatVersion, "atf")
        XCTAssertEqual(r.sampleInterval, 50e-6, accuracy: 1e-12)
        XCTAssertEqual(r.channels[0].units, "pA")
        XCTAssertEqual(r.channels[0].sweeps[0], [1, 2, 3])
    }

    func testNaNInfAndTextInDataNameTheLine() throws {
        for (bad, name) in [("nan", "nan.csv"), ("inf", "inf.csv"), ("abc", "text.csv")] {
            let path = try write("time_s,current_pA\n0,1\n0.1,\(bad)\n0.2,3\n", name)
            XCTAssertThrowsError(try PatchFileReader.read(path), name) { error in
                let e = error as? PatchDataError
                XCTAssertEqual(e?.kind, .invalidValue, name)
                XCTAssertEqual(e?.offset, 3, name)
                XCTAssertTrue(e?.offsetIsLine ?? false)
                XCTAssertTrue(e?.description.contains(path) ?? false)
            }
        }
    }

    // MARK: - Dwell lists

    func testClampfitEventSheet() throws {
        let d = try dwells(TestData.path("scn/scn_Cevents.csv"))
        XCTAssertEqual(d.provenance.format, .clampfitEvents)
        // 2260 rows: 19 empty separator rows and 2 exact duplicates leave 2239 events in 20 sections.
        XCTAssertEqual(d.count, 2239)
        XCTAssertEqual(d.provenance.metadata["duplicate rows skipped"], "2")
        XCTAssertGreaterThanOrEqual(d.segmentStarts.count, 20)
        XCTAssertEqual(Set(d.levels), [0, 1])
        XCTAssertEqual(d.dwells[0].duration, 1.05e-3, accuracy: 1e-12)
        XCTAssertEqual(d.dwells[0].amplitude, 3.003112, accuracy: 1e-9)
    }

    func testDwtAndCsvRoundTrip() throws {
        let original = DwellSequence(
            dwells: [Dwell(level: 0, amplitude: 0, duration: 0.0125), Dwell(level: 1, amplitude: -5, duration: 0.0032),
                     Dwell(level: 0, amplitude: 0, duration: 0.0401), Dwell(level: 2, amplitude: -10, duration: 0.001),
                     Dwell(level: 0, amplitude: 0, duration: 0.5)],
            segmentStarts: [0, 3], sampleInterval: 1e-4, provenance: Provenance(file: "", format: .synthetic))
        let folder = try TestData.scratchFolder(self)
        for (name, format) in [("x.dwt", FileFormat.dwt), ("x.csv", FileFormat.dwellCSV)] {
            let path = folder.appendingPathComponent(name).path
            try DwellFileWriter.write(original, to: path, format: format)
            let back = try dwells(path)
            XCTAssertEqual(back.provenance.format, format)
            XCTAssertEqual(back.segmentStarts, original.segmentStarts, name)
            XCTAssertEqual(back.dwells.map(\.level), original.dwells.map(\.level), name)
            for (a, b) in zip(back.dwells, original.dwells) {
                XCTAssertEqual(a.duration, b.duration, accuracy: 1e-15, name)
                XCTAssertEqual(a.amplitude, b.amplitude, accuracy: 1e-12, name)
            }
        }
    }

    func testDwtDeclaringMoreDwellsThanItHoldsIsTruncated() throws {
        let path = try write("Segment: 1 Dwells: 3 Sampling(ms): 0.1 Start(ms): 0 ClassCount: 2 0 0 5 0\n0\t1.5\n1\t2.0\n", "short.dwt")
        XCTAssertThrowsError(try PatchFileReader.read(path)) { error in
            XCTAssertEqual((error as? PatchDataError)?.kind, .truncated)
            XCTAssertEqual((error as? PatchDataError)?.field, "Dwells")
        }
    }
}
