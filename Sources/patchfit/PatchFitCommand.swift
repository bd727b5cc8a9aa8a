import ArgumentParser

@main
struct PatchFitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchfit",
        abstract: "Single-channel patch-clamp analysis: ingest, idealise, fit gating schemes, report.",
        subcommands: [InspectCommand.self, FitCommand.self]
    )
}
