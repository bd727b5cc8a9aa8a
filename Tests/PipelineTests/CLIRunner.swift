import Foundation
import PatchFitTestSupport
import XCTest

/// Runs the built `patchfit` executable the way a user would and captures what it prints.
enum CLI {
    /// Where SwiftPM put the products of this build (the test runner lives there too on Linux).
    static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
        #else
        return Bundle.main.bundleURL
        #endif
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func sharedData(_ relative: String) -> String {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/" + relative).path
    }

    typealias Result = ChildProcess.Result

    /// Runs `patchfit` to completion (10-minute deadline: a hang fails the test, never CI).
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        try start(arguments, in: directory).wait(timeout: 600)
    }

    /// Starts `patchfit` without waiting (for tests that interrupt a run).
    static func start(_ arguments: [String], in directory: URL? = nil) throws -> ChildProcess {
        try ChildProcess.start(productsDirectory.appendingPathComponent("patchfit").path, arguments,
                               directory: (directory ?? packageRoot).path)
    }
}
