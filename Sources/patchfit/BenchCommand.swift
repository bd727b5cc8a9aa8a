import ArgumentParser

/// `patchfit bench`: speed and accuracy benchmarks of PatchFit's engines.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run PatchFit's built-in benchmarks.",
        subcommands: [BenchEngineCommand.self]
    )
}
