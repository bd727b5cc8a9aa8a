import Foundation
import PatchData
import XCTest

final class ScanFileTests: XCTestCase {
    func dwells(_ path: String) throws -> DwellSequence {
        guard case .dwells(let d) = try PatchFileReader.read(path) else { XCTFail("\(path) read as a recording"); throw XCTSkip() }
        return d
    }

    /// Interval counts from the headers and total durations/openings computed independently
    /// (numpy over the raw float32/int16 blocks) when the data were added.
    func testEveryScanFileOpensWithItsHeaderCounts() throws {
        let expected: [String: (nint: Int, seconds: Double, openings: Int)] = [
            "CH82.scn": (4312, 2382.2016, 2156), "CCO.scn": (20000, 25022.477, 10000), "CO.scn": (20000, 699.80566, 10000),
            "glydemo_A-10.scn": (15786, 435.25855, 8511), "glydemo_D-1000.scn": (12510, 527.66465, 7189),
            "glydemo_simA.scn": (9998, 623.8285, 4999), "scn_AChsim.scn": (13948, 7688.457, 6974),
            "scn_000225S1.DAT": (31914, 144.14126, 17925),
        ]
        for (name, e) in expected {
            let d = try dwells(TestData.path("scn/\(name)"))
            XCTAssertEqual(d.provenance.format, .scan, name)
            XCTAssertEqual(d.count, e.nint, name)
            XCTAssertEqual(d.openingCount, e.openings, name)
            XCTAssertEqual(d.totalDuration, e.seconds, accuracy: 1e-5 * e.seconds, name)
        }
    }

    func testNamedDATButDetectedAsScan() throws {
        XCTAssertEqual(try PatchFileReader.detectFormat(path: TestData.path("scn/scn_000225S1.DAT")), .scan)
        let d = try dwells(TestData.path("scn/scn_000225S1.DAT"))
        XCTAssertEqual(d.provenance.formatVersion, "103")
        XCTAssertEqual(d.sampleInterval ?? 0, 12.5e-6, accuracy: 1e-12)  // 80 kHz
    }

    func testCH82HeaderAndAmplitudes() throws {
        let d = try dwells(TestData.path("scn/CH82.scn"))
        XCTAssertEqual(d.provenance.formatVersion, "-103")
        XCTAssertEqual(d.resolution ?? 0, 10e-6, accuracy: 1e-9)  // treso 0.01 ms in the header
        XCTAssertEqual(Set(d.dwells.filter(\.isOpen).map(\.amplitude)), [5])  // simulated 5 pA openings
        XCTAssertTrue(d.dwells.allSatisfy { $0.duration > 0 && $0.flags.isEmpty })
    }

    func testRealGlycineRecordKeepsFlagsAndCalibratedAmplitudes() throws {
        let d = try dwells(TestData.path("scn/glydemo_A-10.scn"))
        // calfac2 = 0.0018939 pA per unit; openings are about −3 pA (outward at +100 mV, inverted).
        let mean = d.dwells.filter(\.isOpen).map(\.amplitude).reduce(0, +) / Double(d.openingCount)
        XCTAssertEqual(mean, -3.0, accuracy: 1.0)
        XCTAssertTrue(d.dwells.contains { $0.flags.contains(.unusable) })
        XCTAssertTrue(d.dwells.contains { $0.flags.contains(.fixedAmplitude) })
    }
}
