import Foundation
import XCTest
import GatingModels

/// Paths relative to the package root (three levels above this file).
enum TestPaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func scheme(_ name: String) -> String { packageRoot.appendingPathComponent("Data/schemes/\(name)").path }
    static func sharedData(_ rel: String) -> String {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/\(rel)").path
    }
}

/// CH82 at 100 nM, the field's standard oracle (REFERENCE.md §2).
func ch82() throws -> GatingScheme { try GatingScheme(contentsOf: TestPaths.scheme("ch82.yaml")) }
let ch82Conditions = RecordConditions(concentration: 100e-9)

/// Asserts |actual − expected| ≤ relative · |expected| (4 significant figures: 5e-5 of the
/// value is half a unit in the fifth figure, so a pass means the first four figures agree).
func assertRelative(_ actual: Double, _ expected: Double, _ relative: Double = 5e-5,
                    _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    let err = abs(actual - expected) / max(abs(expected), 1e-300)
    XCTAssert(err <= relative, "\(message): \(actual) vs \(expected) (relative error \(err))", file: file, line: line)
}
