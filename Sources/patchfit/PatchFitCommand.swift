import ArgumentParser
import GatingModels

@main
struct PatchFitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchfit",
        abstract: "Single-channel patch-clamp analysis: ingest, idealise, fit gating schemes, report.",
        subcommands: [RunCommand.self, InspectCommand.self, IdealiseCommand.self, FitCommand.self, SynthesizeCommand.self, ConvertCommand.self,
                      SimulateCommand.self, SlurmCommand.self, MergeCommand.self, BenchCommand.self,
                      SchemeCommand.self]
    )

    static func main() async {
        AllocatorTuning.keepFreedMemoryForReuse()
        useSingleThreadedBLAS()                        // tiny matrices: no BLAS worker threads
        await main(nil)
    }
}
