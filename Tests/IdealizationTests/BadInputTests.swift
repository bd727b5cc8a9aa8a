import Foundation
import Idealization
import PatchData
import PatchFitTestSupport
import XCTest

final class BadInputTests: XCTestCase {
    func idealise(_ x: [Double], _ configure: (inout IdealisationSettings) -> Void = { _ in }) throws -> Idealisation {
        var s = IdealisationSettings()
        configure(&s)
        return try Idealiser.idealise(samples: x, sampleInterval: 1e-4, settings: s)
    }

    func testEmptyRecord() {
        XCTAssertThrowsError(try idealise([])) { XCTAssertEqual($0 as? IdealizationError, .emptyRecord) }
        let empty = Recording(channels: [RecordingChannel(name: "I", units: "pA", sweeps: [[]])], sampleInterval: 1e-4,
                              provenance: Provenance(file: "x", format: .synthetic))
        XCTAssertThrowsError(try Idealiser.idealise(empty)) { XCTAssertEqual($0 as? IdealizationError, .emptyRecord) }
        XCTAssertThrowsError(try Idealiser.idealise(empty, channel: 3)) {
            XCTAssertEqual($0 as? IdealizationError, .channelOutOfRange(requested: 3, available: 1))
        }
    }

    func testConstantRecord() {
        XCTAssertThrowsError(try idealise([Double](repeating: -2, count: 5000))) {
            XCTAssertEqual($0 as? IdealizationError, .constantRecord(value: -2))
        }
    }

    func testNaNRecords() {
        XCTAssertThrowsError(try idealise([Double](repeating: .nan, count: 100))) {
            XCTAssertEqual($0 as? IdealizationError, .nonFiniteSamples(index: 0, count: 100))
        }
        var x = (0..<1000).map { Double($0 % 7) }
        x[500] = .infinity
        XCTAssertThrowsError(try idealise(x)) {
            XCTAssertEqual($0 as? IdealizationError, .nonFiniteSamples(index: 500, count: 1))
        }
    }

    /// Ten levels asked of a two-level record: a clear error, not ten invented levels.
    func testTooManyLevels() {
        var rng = TestRandom(seed: 5)
        var open = false
        let x = (0..<20_000).map { _ -> Double in
            if rng.uniform() < 0.01 { open.toggle() }
            return (open ? 1 : 0) + 0.05 * rng.normal()
        }
        XCTAssertThrowsError(try idealise(x) { $0.levelCount = 10 }) { error in
            guard case .tooManyLevels(10, _, _)? = error as? IdealizationError else {
                return XCTFail("expected tooManyLevels, got \(error)")
            }
        }
        // The same record with the level count detected: two levels.
        XCTAssertEqual(try idealise(x).levelCount, 2)
    }

    func testBadSettings() {
        let x = (0..<1000).map { Double($0 % 3) }
        XCTAssertThrowsError(try idealise(x) { $0.filterCutoff = -5 })
        XCTAssertThrowsError(try idealise(x) { $0.levelCount = 1 })
        XCTAssertThrowsError(try idealise(x) { $0.resolution = -1 })
        XCTAssertThrowsError(try idealise(x) { $0.fixedLevels = [1, 1] })
        XCTAssertThrowsError(try Idealiser.idealise(samples: x, sampleInterval: 0))
    }
}
