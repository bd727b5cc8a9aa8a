import ArgumentParser
import Foundation
import PatchData
import Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file: ingest → condition → idealise → fit → report.",
        discussion: """
            The whole pipeline file is checked before any work starts. Stage results are cached \
            under the output folder, so a killed run resumes where it stopped. Reports go to \
            <output>/<recording>/index.html with a batch index at <output>/index.html.
            """)

    @Argument(help: "Pipeline file (YAML), e.g. Pipelines/demo.yaml.")
    var pipeline: String

    @Option(help: "Run only shard i of n (i from 0): every n-th file starting at i. For clusters; merge with `patchfit merge`.")
    var shard: String?

    @Flag(help: "Never show the progress line, even on a terminal.")
    var quiet = false

    func validate() throws {
        if let shard, Shard(shard) == nil { throw ValidationError("--shard must look like i/n with 0 ≤ i < n, e.g. 0/4") }
    }

    func run() throws {
        let spec = try PipelineSpec.load(path: pipeline)
        let runner = PipelineRunner(spec: spec, shard: shard.flatMap(Shard.init) ?? .whole,
                                    showProgress: !quiet && isatty(STDERR_FILENO) != 0)
        let outcomes = try runner.run()
        let failed = outcomes.filter { !$0.ok }
        let folder = spec.resolve(spec.output)
        if !outcomes.isEmpty { print(RecordingOutcome.table(outcomes) + "\n") }
        print("\(outcomes.count - failed.count) of \(outcomes.count) recordings analysed; reports in \(folder)/")
        if runner.shard.count == 1 { print("batch index: \(folder)/index.html") }
        for f in failed { printError("failed: \(f.input): \(f.message)") }
        if !failed.isEmpty { throw ExitCode(1) }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Write the batch index of a pipeline's output folder (after sharded runs).")

    @Argument(help: "Pipeline file (YAML).")
    var pipeline: String

    func run() throws {
        let spec = try PipelineSpec.load(path: pipeline)
        let index = try PipelineRunner.merge(spec: spec)
        print("index of \(index.recordings.count) recordings (\(index.failures.count) failed): \(spec.resolve(spec.output))/index.html")
    }
}

struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write a Slurm script that runs a pipeline's shards as an array job, then merges the index.")

    @Argument(help: "Pipeline file (YAML).")
    var pipeline: String

    @Option(help: "Number of shards (array tasks).")
    var shards: Int

    @Option(help: "Where to write the script (default: submit-<name>.sh in the current folder).")
    var out: String?

    @Option(help: "CPUs per array task.")
    var cpusPerTask = 2

    func validate() throws {
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1") }
    }

    func run() throws {
        let spec = try PipelineSpec.load(path: pipeline)
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let cwd = FileManager.default.currentDirectoryPath
        let path = out ?? SlurmScript.scriptName(spec)
        let text = SlurmScript.text(pipelinePath: pipeline, spec: spec, shards: shards, patchfit: executable,
                                    workingDirectory: cwd, cpusPerTask: cpusPerTask, scriptPath: path)
        try AtomicFile.write(text, to: path)
        print("wrote \(path): submit with `bash \(path)`")
    }
}
