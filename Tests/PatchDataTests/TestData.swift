import Foundation
import XCTest

/// Paths to the shared test data (`../shared/data` beside the package root) and scratch files.
enum TestData {
    /// The package root: three levels above this file (Tests/PatchDataTests/TestData.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")

    static func path(_ relative: String) -> String { shared.appendingPathComponent(relative).path }

    static func files(in folder: String, extension ext: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path(folder))
            .filter { $0.lowercased().hasSuffix("." + ext.lowercased()) }.sorted().map { path(folder + "/" + $0) }
    }

    /// A fresh temporary folder removed at the end of the test.
    static func scratchFolder(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("patchfit-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// A small deterministic generator for test mutations (SplitMix64).
struct TestRNG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}
