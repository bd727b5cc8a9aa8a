import ArgumentParser
import Foundation
import PatchData

struct BenchIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read throughput of large gap-free ABF1 and NWB files (written to a temporary folder).")

    @Option(help: "Approximate size of each test file in bytes.")
    var bytes = 100_000_000

    @Option(help: "Reads per file; the best is reported.")
    var repeats = 3

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard bytes >= 1_000_000 else { throw ValidationError("--bytes must be at least 1000000") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        let results = try ReadThroughput.measure(folder: NSTemporaryDirectory(), bytes: bytes, repeats: repeats)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        } else {
            for r in results {
                print(String(format: "%-12@ %6.1f MB  %8.1f MB/s  %7.1f Msamples/s  (best of %d: %.3f s)",
                             r.format, Double(r.bytes) / 1e6, r.megabytesPerSecond, r.megasamplesPerSecond, repeats, r.bestSeconds))
            }
        }
    }
}
