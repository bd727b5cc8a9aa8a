import Foundation
import XCTest
import GatingModels

/// Truncated and corrupted copies of the real `.mec` files (written to a temporary folder):
/// each gives a typed error naming the file, the field and its byte offset.
/// CH82C.MEC's only record starts at byte 19,999; offsets below are record-relative + 19,999.
final class MECFileErrorTests: XCTestCase {
    private func copy(_ source: String, _ name: String, edit: (inout [UInt8]) -> Void) throws -> String {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        edit(&bytes)
        let path = try temporaryDirectory().appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func put32(_ b: inout [UInt8], _ offset: Int, _ bits: UInt32) {
        for i in 0..<4 { b[offset + i] = UInt8((bits >> (8 * UInt32(i))) & 0xFF) }
    }

    private func put64(_ b: inout [UInt8], _ offset: Int, _ value: Double) {
        for i in 0..<8 { b[offset + i] = UInt8((value.bitPattern >> (8 * UInt64(i))) & 0xFF) }
    }

    /// Loads `path` as a scheme and checks the error's kind, field (prefix) and offset.
    private func expect(_ path: String, _ kind: DCProgsMechanismError.Kind, field: String, offset: Int?,
                        file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try GatingScheme(contentsOf: path), file: file, line: line) { e in
            guard let err = e as? DCProgsMechanismError else { return XCTFail("\(e)", file: file, line: line) }
            XCTAssertEqual(err.kind, kind, "\(err)", file: file, line: line)
            XCTAssert(err.field.hasPrefix(field), "\(err)", file: file, line: line)
            XCTAssertEqual(err.offset, offset, "\(err)", file: file, line: line)
            XCTAssert(err.description.contains(path.split(separator: "#")[0]), "\(err)", file: file, line: line)
        }
    }

    func testTruncatedFiles() throws {
        let ch82c = MECFileTests.ch82c
        // Cut inside the rate names: titlep[8] starts at record byte 500.
        expect(try copy(ch82c, "cut.MEC") { $0.removeSubrange(20_500...) }, .truncated, field: "titlep[8]", offset: 20_499)
        // Cut inside the header.
        expect(try copy(ch82c, "header.mec") { $0.removeSubrange(10...) }, .truncated, field: "ireclast", offset: 12)
        // Cut one byte before the end: the last field (ncyc0) is short.
        expect(try copy(ch82c, "end.mec") { $0.removeLast() }, .truncated, field: "nsub/kstat0", offset: 20_771)
        // demomec set 1 with a 30×30 diagram would run into set 2 (which starts at byte 21,951).
        let demo = try copy(MECFileTests.demo, "demo.mec") { put32(&$0, 19_999 + 176, 30); put32(&$0, 19_999 + 180, 30) }
        expect(demo + "#1", .truncated, field: "charmod", offset: 20_239)
        XCTAssertNoThrow(try GatingScheme(contentsOf: demo + "#2"), "the other rate sets are still readable")
    }

    func testBadVersionAndPointers() throws {
        let ch82c = MECFileTests.ch82c
        expect(try copy(ch82c, "v.mec") { put32(&$0, 0, 999) }, .badVersion, field: "iver", offset: 0)
        expect(try copy(ch82c, "j.mec") { put32(&$0, 16, 30_000) }, .pointerBeyondEnd, field: "jstart[1]", offset: 16)
        expect(try copy(ch82c, "j0.mec") { put32(&$0, 16, 4) }, .pointerBeyondEnd, field: "jstart[1]", offset: 16)
        // A pointer inside the file but not at a record: the record's version word disagrees.
        expect(try copy(ch82c, "jmid.mec") { put32(&$0, 16, 20_100) }, .badVersion, field: "iver (rate set 1)", offset: 20_099)
        expect(try copy(ch82c, "last.mec") { put32(&$0, 12, 1 << 30) }, .pointerBeyondEnd, field: "ireclast", offset: 12)
        expect(try copy(ch82c, "n.mec") { put32(&$0, 4, 0) }, .countOutOfRange, field: "nrecs", offset: 4)
    }

    func testCountsOutOfRange() throws {
        let ch82c = MECFileTests.ch82c
        expect(try copy(ch82c, "k.mec") { put32(&$0, 20_081, 500) }, .countOutOfRange, field: "k", offset: 20_081)
        expect(try copy(ch82c, "nrateq.mec") { put32(&$0, 20_183, 100_000) }, .countOutOfRange, field: "nrateq", offset: 20_183)
        expect(try copy(ch82c, "ka.mec") { put32(&$0, 20_085, 3) }, .countOutOfRange, field: "kA+kB+kC+kD", offset: 20_085)
        expect(try copy(ch82c, "ncyc.mec") { put32(&$0, 20_207, UInt32(bitPattern: -1)) }, .countOutOfRange, field: "ncyc", offset: 20_207)
    }

    func testNonFiniteValuesAndBadReferences() throws {
        let ch82c = MECFileTests.ch82c
        // QT starts at record byte 350.
        expect(try copy(ch82c, "nan.mec") { put64(&$0, 20_349, .nan) }, .invalidValue, field: "QT[1]", offset: 20_349)
        expect(try copy(ch82c, "inf.mec") { put64(&$0, 20_357, .infinity) }, .invalidValue, field: "QT[2]", offset: 20_357)
        expect(try copy(ch82c, "neg.mec") { put64(&$0, 20_357, -15) }, .invalidValue, field: "QT[2] = beta(1)", offset: 20_357)
        expect(try copy(ch82c, "vref.mec") { put32(&$0, 20_211, Float.nan.bitPattern) }, .invalidValue, field: "vref", offset: 20_211)
        // irate[1] (record byte 270) names state 9 of 5.
        expect(try copy(ch82c, "irate.mec") { put32(&$0, 20_269, 9) }, .invalidReference, field: "irate[1]", offset: 20_269)
    }

    func testCyclesMustCloseAndBalance() throws {
        // jm[1,2] (record byte 646) 3 → 5: the steps q(1,4), q(4,5), q(3,2), q(2,1) do not go round.
        expect(try copy(MECFileTests.ch82c, "open.mec") { put32(&$0, 20_645, 5) }, .invalidReference, field: "jm[1,2]", offset: 20_645)
        // ix/jx[3] (record bytes 578, 590): make q(2,1) concentration-dependent instead of q(1,2);
        // microscopic reversibility would then make alpha(1) ∝ 1/c².
        expect(try copy(MECFileTests.ch82c, "c2.mec") { put32(&$0, 20_577, 2); put32(&$0, 20_589, 1) },
               .unsupported, field: "im/jm[1,1]", offset: 20_625)
    }

    /// nsetq relations (none in the shipped files) become proportional constraints: insert
    /// q(3,4) = 2·q(4,5), i.e. 2k(-2) = 2·k(-1), before the state names (record byte 722).
    func testRateRelationsBecomeProportionalConstraints() throws {
        let path = try copy(MECFileTests.ch82c, "nsetq.mec") { b in
            put32(&b, 20_231, 1)                                            // nsetq (record byte 232)
            var entry = [UInt8](repeating: 0, count: 20)
            for (i, v) in [3, 4, 4, 5].enumerated() { put32(&entry, 4 * i, UInt32(v)) }
            put32(&entry, 16, Float(2).bitPattern)
            b.insert(contentsOf: entry, at: 20_721)
        }
        let s = try GatingScheme(contentsOf: path)
        XCTAssert(s.constraints.contains(.proportional(rate: "2k(-2)", of: "k(-1)", factor: 2)), "\(s.constraints)")
        let halved = try s.with(rates: ["k(-1)": 1000])
        XCTAssertEqual(halved.transitions[try XCTUnwrap(halved.rateIndex("2k(-2)"))].value, 2000, accuracy: 1e-9)
    }

    /// A rate set by microscopic reversibility is recomputed whatever the file stores (DCPROGS
    /// QSETD overwrites it), so a stored 0 for alpha(1) still loads.
    func testStoredValueOfTheReversibilityRateIsNotUsed() throws {
        let s = try GatingScheme(contentsOf: try copy(MECFileTests.ch82c, "zero.mec") { put64(&$0, 20_349, 0) })
        let alpha1 = try XCTUnwrap(s.transitions.first { $0.name == "alpha(1)" })
        XCTAssertEqual(alpha1.value * alpha1.law.factor(concentration: 0, voltage: -0.08),
                       500 * 4000 * 15 / (15000 * 0.6670000553131104), accuracy: 1e-9)
    }

    func testWhatASchemeCannotExpressIsRefused() throws {
        // kmfast (record byte 220) set: a KM fast-equilibrium model.
        expect(try copy(MECFileTests.ch82c, "km.mec") { put32(&$0, 20_219, 1) }, .unsupported, field: "kmfast", offset: 20_219)
        expect(try copy(MECFileTests.ch82c, "ind.mec") { put32(&$0, 20_223, 1) }, .unsupported, field: "indmod", offset: 20_223)
    }

    func testUnreadableAndUnknownSet() throws {
        expect(try temporaryDirectory().appendingPathComponent("missing.mec").path, .unreadable, field: "", offset: nil)
        XCTAssertThrowsError(try DCProgsMechanismFile(contentsOf: MECFileTests.ch82c).rateSet(2)) { e in
            XCTAssertEqual((e as? DCProgsMechanismError)?.kind, .unknownRateSet)
        }
    }

    func testPathsChooseTheReader() {
        XCTAssertNil(GatingScheme.mecSource("Data/schemes/ch82.yaml"))
        XCTAssert(GatingScheme.mecSource("a/b.MEC")! == ("a/b.MEC", nil))
        XCTAssert(GatingScheme.mecSource("a/b.mec#3")! == ("a/b.mec", 3))
        XCTAssert(GatingScheme.mecSource("a/b.mec#x")! == ("a/b.mec", 0))
        XCTAssertNil(GatingScheme.mecSource("a/b#1.yaml"))
    }
}

extension XCTestCase {
    /// A fresh folder under the system's temporary directory, removed when the test ends.
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("patchfit-mec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
