import ArgumentParser

@main
struct PatchFitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchfit",
        abstract: "Single-channel patch-clamp analysis: ingest, idealise, fit gating schemes, report.",
        subcommands: [InspectCommand.self, IdealiseCommand.self, FitCommand.self, SimulateCommand.self, BenchCommand.self]
    )
}
