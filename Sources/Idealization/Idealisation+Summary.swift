import Foundation
import PatchData

extension Idealisation {
    /// A few lines for a terminal: levels, noise, drift, mains, dwell counts and Popen.
    public var summary: String {
        summaryFields.map { $0.joined(separator: "   ") }.joined(separator: "\n")
    }

    /// The summary's fields, line by line ("levels (pA): …", "noise SD: …", …), for callers
    /// that lay them out themselves (a report's table cell).
    public var summaryFields: [[String]] {
        let stats = DwellStatistics(dwells)
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        let mains = lineNoise.lineFrequency.map {
            "\(Int($0)) Hz, harmonics \($0 > 0 ? lineNoise.harmonics.map(String.init).joined(separator: ",") : "")"
        } ?? "none"
        return [
            ["levels (pA): " + levels.map(f).joined(separator: ", "), "noise SD: " + levelSDs.map(f).joined(separator: ", ")],
            ["closed-level noise RMS: \(f(closedNoiseRMS)) pA", "drift removed: \(f(driftPeakToPeak)) pA p-p", "mains: " + mains],
            ["dwells: \(dwells.count) (\(dwells.openingCount) open), \(unresolvedDwells.count) before resolution",
             dwells.resolution.map { "resolution: \(String(format: "%.1f", $0 * 1e6)) µs" } ?? "no resolution imposed"],
            ["Popen: \(String(format: "%.4f", stats.popen))", "mean open level: \(String(format: "%.3f", stats.meanOpenLevel))",
             "iterations: \(iterations)"],
        ]
    }
}
