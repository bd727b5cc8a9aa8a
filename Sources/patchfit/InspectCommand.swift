import ArgumentParser
import Foundation
import PatchData

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe recordings and dwell files: format, channels, sweeps, rate, intervals.",
        discussion: """
            Formats are detected from the file's first bytes (ABF1/ABF2, NWB, SCAN, QuB .dwt, \
            Clampfit event sheets, CSV/TSV/ATF traces). A folder is inspected file by file; \
            unreadable files are reported and the others still are. Exit status 1 if any file failed.
            """)

    @Argument(help: "Files or folders to inspect.")
    var paths: [String]

    @Flag(help: "Print one JSON object per file, in an array (stable keys for scripts).")
    var json = false

    @OptionGroup var reading: ReadingOptions

    func run() throws {
        let files = try expandPaths(paths)
        let summaries = files.map { FileSummary(path: $0, options: reading.readOptions) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(summaries), as: UTF8.self))
        } else {
            for s in summaries where s.error == nil { print(s.text) }
        }
        let failures = summaries.filter { $0.error != nil }
        for f in failures { printError(f.text) }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
