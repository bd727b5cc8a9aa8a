import Foundation
import PatchData
import XCTest

/// Truncated, corrupted, mislabelled and random files: every reader must answer with a
/// `PatchDataError` that names the file — never crash, hang or return a silent partial result.
final class BadInputTests: XCTestCase {
    /// One valid file per binary reader, the header span worth corrupting, and where its last
    /// meaningful byte ends (computed independently from the headers with Python's struct):
    /// beyond it lie only 512-byte block padding (ABF) or unused trailing bytes (long SCAN headers).
    let binarySamples: [(path: String, header: Int, end: Int)] = [
        (TestData.path("abf/05210017_vc_abf1.abf"), 6144, 1_448_496),        // ABF1, extended header; synch array last
        (TestData.path("abf/130618-1-12.abf"), 2048, 302_048),               // ABF1, short header
        (TestData.path("abf/2018_12_09_pCLAMP11_0001.abf"), 4096, 59_984),   // ABF2
        (TestData.path("abf/pclamp11_4ch.abf"), 8192, 339_536),              // ABF2, 4 channels
        (TestData.path("scn/CH82.scn"), 768, 30_951),                        // SCAN −103
        (TestData.path("scn/glydemo_A-10.scn"), 768, 111_269),               // SCAN 103
    ]

    func load(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// Reads bytes; returns the error, or nil if the bytes were accepted.
    func outcome(_ data: Data, name: String) -> PatchDataError? {
        do {
            _ = try PatchFileReader.read(data: data, name: name)
            return nil
        } catch {
            XCTAssertEqual(error.file, name)
            XCTAssertFalse(error.reason.isEmpty)
            return error
        }
    }

    func testTruncatedBinaryFilesFailWithTruncationErrors() throws {
        for sample in binarySamples {
            let data = try load(sample.path)
            // Cut inside the header densely, then across the data block.
            let cuts = Array(stride(from: 0, to: min(sample.header, data.count), by: 61)) + (1...40).map { sample.end * $0 / 41 } + [sample.end - 1]
            for cut in cuts {
                let error = outcome(data.prefix(cut), name: "cut-\(cut)")
                XCTAssertNotNil(error, "\(sample.path) truncated at \(cut) was accepted")
                if let error, cut > 16 { XCTAssertTrue([.truncated, .invalidField, .unrecognisedFormat].contains(error.kind), "\(cut): \(error)") }
            }
        }
    }

    /// The bytes of an NWB file that PatchFit writes: one sweep of `samples` constant samples.
    func writtenNwb(samples: Int) throws -> Data {
        let path = try TestData.scratchFolder(self).appendingPathComponent("written.nwb").path
        let r = Recording(channels: [RecordingChannel(name: "I", units: "pA", sweeps: [[Float](repeating: 1, count: samples)])],
                          sampleInterval: 1e-4, provenance: Provenance(file: "", format: .synthetic))
        try NwbFile.write(r, to: path)
        return try load(path)
    }

    func testTruncatedNwbFailsCleanly() throws {
        let data = try writtenNwb(samples: 5000)
        for cut in [8, 100, 500, 1000, 2000] + (1...20).map({ data.count * $0 / 21 }) + [data.count - 1] {
            XCTAssertNotNil(outcome(data.prefix(cut), name: "nwb-cut-\(cut)"), "NWB truncated at \(cut) was accepted")
        }
    }

    /// Global heap sizes that HDF5 1.10 would act on unchecked (found by fuzzing) are refused
    /// before HDF5 reads the file: an object running past its collection (HDF5 copies that many
    /// bytes and crashes), a collection running past the file, and a free space of size 0 (HDF5
    /// loops forever). The intact file reads.
    func testCorruptGlobalHeapIsRefused() throws {
        let data = try writtenNwb(samples: 2000)
        XCTAssertNil(outcome(data, name: "intact.nwb"))
        let collection = try XCTUnwrap(data.range(of: Data("GCOL".utf8))).lowerBound
        let firstSize = collection + 16 + 8   // the collection's header, then the first object's index, count, reserved
        for highByte in [0x01, 0x5F, 0xFF] as [UInt8] {
            var corrupt = data
            corrupt[firstSize + 6] = highByte
            let error = outcome(corrupt, name: "heap-\(highByte).nwb")
            XCTAssertEqual(error?.kind, .invalidField)
            XCTAssertEqual(error?.offset, firstSize - data.startIndex)
            XCTAssertTrue(error?.field.hasPrefix("global heap object") ?? false, "\(String(describing: error))")
        }
        var cut = data
        cut.replaceSubrange(collection + 8 ..< collection + 16, with: [0, 0, 0, 0, 0, 0, 0x10, 0])   // a 4 PiB collection
        XCTAssertEqual(outcome(cut, name: "heap-size.nwb")?.kind, .truncated)
        // The free space (object 0) given size 0: HDF5 would step by 0 bytes forever.
        func field(_ at: Int, _ bytes: Int) -> Int { (0..<bytes).reduce(0) { $0 | Int(data[at + $1]) << (8 * $1) } }
        var object = collection + 16
        while field(object, 2) != 0 { object += 16 + (field(object + 8, 8) + 7) / 8 * 8 }
        var stuck = data
        stuck.replaceSubrange(object + 8 ..< object + 16, with: [UInt8](repeating: 0, count: 8))
        let error = outcome(stuck, name: "heap-free.nwb")
        XCTAssertEqual(error?.kind, .invalidField)
        XCTAssertEqual(error?.field, "global heap free space size")
    }

    func testWrongMagicAndRandomBytes() throws {
        var rng = TestRNG(state: 42)
        for n in [1, 3, 8, 100, 4096, 70_000] {
            let random = Data((0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            XCTAssertNotNil(outcome(random, name: "random-\(n)"))
        }
        var abf = try load(TestData.path("abf/2018_12_09_pCLAMP11_0001.abf"))
        abf.replaceSubrange(0..<4, with: Array("ABF3".utf8))
        XCTAssertEqual(outcome(abf, name: "abf3")?.kind, .unrecognisedFormat)
        XCTAssertEqual(outcome(Data(), name: "empty")?.kind, .truncated)
        XCTAssertThrowsError(try PatchFileReader.read("/nonexistent/file.abf")) { error in
            XCTAssertEqual((error as? PatchDataError)?.kind, .unreadable)
        }
    }

    /// A mislabelled file (an ABF named .scn, a SCAN named .abf) is read by its contents.
    func testMislabelledFilesAreReadByContent() throws {
        let folder = try TestData.scratchFolder(self)
        let fakeScn = folder.appendingPathComponent("really-abf.scn")
        try load(TestData.path("abf/2018_12_09_pCLAMP11_0001.abf")).write(to: fakeScn)
        XCTAssertEqual(try PatchFileReader.detectFormat(path: fakeScn.path), .abf2)
        let fakeAbf = folder.appendingPathComponent("really-scan.abf")
        try load(TestData.path("scn/CH82.scn")).write(to: fakeAbf)
        guard case .dwells(let d) = try PatchFileReader.read(fakeAbf.path) else { return XCTFail("SCAN misread") }
        XCTAssertEqual(d.count, 4312)
    }

    func testAbsurdSizesInHeaders() throws {
        func patched(_ path: String, _ offset: Int, _ value: Int32) throws -> Data {
            var d = try load(path)
            withUnsafeBytes(of: value.littleEndian) { d.replaceSubrange(offset..<offset + 4, with: $0) }
            return d
        }
        let abf1 = TestData.path("abf/05210017_vc_abf1.abf"), scn = TestData.path("scn/CH82.scn")
        XCTAssertEqual(outcome(try patched(abf1, 10, Int32.max), name: "acq")?.kind, .truncated)        // lActualAcqLength
        XCTAssertNotNil(outcome(try patched(abf1, 40, -5), name: "ptr"))                                 // lDataSectionPtr
        XCTAssertEqual(outcome(try patched(scn, 8, Int32.max), name: "nint")?.kind, .truncated)          // nint
        XCTAssertEqual(outcome(try patched(scn, 8, -1), name: "nint-neg")?.kind, .invalidField)
        XCTAssertEqual(outcome(try patched(scn, 4, 10), name: "ioffset")?.kind, .invalidField)
        let abf2 = TestData.path("abf/2018_12_09_pCLAMP11_0001.abf")
        XCTAssertNotNil(outcome(try patched(abf2, 236 + 8, Int32.max), name: "datacount"))               // DataSection count
        XCTAssertNotNil(outcome(try patched(abf2, 92, Int32.max), name: "adcblock"))                     // ADCSection block
        // An episodic ABF2 whose header gives the sweeps' spacing: a corrupt sweep count (found by
        // fuzzing; it once sized an array of sweep start times before it was checked) is refused.
        let episodic = TestData.path("abf/18425108.abf")
        for count in [Int32.max, -1, -129, 2] {
            let error = outcome(try patched(episodic, 12, count), name: "episodes-\(count)")             // lActualEpisodes
            XCTAssertEqual(error?.kind, .invalidField, "lActualEpisodes \(UInt32(bitPattern: count))")
        }
    }

    /// Thousands of headers with random bytes overwritten: each read must end in a value or a
    /// typed error, quickly. (A mutated gain can still give a valid-looking file; that is fine.)
    func testMutatedHeadersNeverCrashOrHang() throws {
        var rng = TestRNG(state: 2026)
        var errors = 0, accepted = 0
        let start = Date()
        for sample in binarySamples {
            let original = try load(sample.path)
            for _ in 0..<600 {
                var data = original
                for _ in 0...rng.below(4) {
                    let at = rng.below(min(sample.header, data.count))
                    data[at] = UInt8(truncatingIfNeeded: rng.next())
                    // Sometimes write an extreme 32-bit value, the classic size-field attack.
                    if rng.below(3) == 0, at + 4 <= data.count {
                        let v: Int32 = [Int32.max, Int32.min, -1, 0, 1 << 24][rng.below(5)]
                        withUnsafeBytes(of: v.littleEndian) { data.replaceSubrange(at..<at + 4, with: $0) }
                    }
                }
                if outcome(data, name: "mutant") == nil { accepted += 1 } else { errors += 1 }
            }
        }
        XCTAssertEqual(errors + accepted, 3600)
        XCTAssertGreaterThan(errors, 100, "mutations this wild should be caught often")
        // Not a speed assertion: a generous bound that only a hang or runaway allocation breaks.
        XCTAssertLessThan(Date().timeIntervalSince(start), 600)
    }

    /// The whole-file reads other modules use for their YAML and `.mec` files: a missing file, a
    /// folder and a binary file each get a reason in words; Latin-1 text is read, not refused.
    func testFileContentsNameTheFileAndTheReason() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("contents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func failure(_ path: String) -> PatchDataError? {
            do { _ = try FileContents.text(path); return nil } catch { return error }
        }
        let missing = folder.appendingPathComponent("missing.yaml").path
        XCTAssertEqual(failure(missing)?.description, "\(missing): unreadable: no such file")
        XCTAssertEqual(failure(folder.path)?.description, "\(folder.path): unreadable: a folder, not a file")
        let binary = folder.appendingPathComponent("scheme.yaml").path
        try Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x00, 0x01]).write(to: URL(fileURLWithPath: binary))
        XCTAssertEqual(failure(binary)?.description, "\(binary): at byte 5: invalid value: binary data (a NUL byte) in a text file")
        XCTAssertEqual(failure(binary)?.detail, "at byte 5: invalid value: binary data (a NUL byte) in a text file")
        let latin1 = folder.appendingPathComponent("latin1.yaml").path
        try Data([0x23, 0x20, 0xB5, 0x41, 0x0A]).write(to: URL(fileURLWithPath: latin1))   // "# µA" in Latin-1
        XCTAssertEqual(try FileContents.text(latin1), "# µA\n")
        XCTAssertEqual(try FileContents.bytes(latin1).count, 5)
    }

    func testTextFilesWithBinaryJunkAreRejected() throws {
        var d = Data("time_s,current_pA\n0,1\n0.1,2\n".utf8)
        d.append(contentsOf: [0, 0, 0, 7])
        XCTAssertNotNil(outcome(d, name: "junk.csv"))
    }
}
