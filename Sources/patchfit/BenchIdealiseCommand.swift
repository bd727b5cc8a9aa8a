import ArgumentParser
import Foundation
import Idealization
import PatchData
import SignalProcessing

/// Speed figures for conditioning and idealisation (never assertions: the numbers depend on
/// the machine and its load). Prints one line per measurement.
struct BenchIdealiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idealise",
        abstract: "Benchmark the Gaussian filter, threshold crossing and SKM/Viterbi on synthetic records.")

    @Option(help: "Samples in the benchmark record.")
    var samples = 10_000_000

    @Option(help: "Repetitions of each measurement (the best is reported).")
    var repeats = 3

    func validate() throws {
        guard samples >= 1000 else { throw ValidationError("--samples must be ≥ 1000") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be ≥ 1") }
    }

    func run() throws {
        print(try IdealisationBenchmark.run(samples: samples, repeats: repeats).joined(separator: "\n"))
    }
}
