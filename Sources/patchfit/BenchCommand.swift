import ArgumentParser

/// `patchfit bench …`: speed figures for the issue notes (never timed assertions in tests).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure PatchFit's speed on this machine.",
        subcommands: [BenchIngestCommand.self, BenchEngineCommand.self, BenchIdealiseCommand.self])
}
