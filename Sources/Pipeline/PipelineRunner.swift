import Crypto
import Foundation
import GatingModels
import PatchData
import Reports

/// Runs a pipeline: expands its inputs, takes this shard's share, processes the files in
/// parallel (each one independent, seeded from its own name, so results do not depend on the
/// shard split or thread count), and — for an unsharded run — writes the batch index.
public struct PipelineRunner: Sendable {
    public let spec: PipelineSpec
    public let shard: Shard
    public let showProgress: Bool

    public init(spec: PipelineSpec, shard: Shard = .whole, showProgress: Bool = isatty(STDERR_FILENO) != 0) {
        self.spec = spec
        self.shard = shard
        self.showProgress = showProgress
    }

    var outputFolder: String { spec.resolve(spec.output) }

    /// Runs this shard; returns one outcome per file it processed, in input order.
    @discardableResult
    public func run() throws -> [RecordingOutcome] {
        if spec.kind == .networkFit {
            return [try NetworkFitRun(spec: spec).run()]
        }
        let jobs = shard.select(try allJobs())
        let progress = ProgressReporter(total: jobs.count, enabled: showProgress)
        let analysis = RecordingAnalysis(spec: spec, cache: StageCache(outputFolder: outputFolder), progress: progress)
        let synthetic = try spec.synthetic.map { s in (s, try GatingScheme(contentsOf: spec.resolve(s.scheme))) }
        nonisolated(unsafe) var outcomes = [RecordingOutcome?](repeating: nil, count: jobs.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            var job = jobs[i]
            var outcome: RecordingOutcome
            if let (settings, scheme) = synthetic {
                // Simulate inside the job, so only the records in flight are held in memory.
                do {
                    job.recording = try SyntheticChannel.record(scheme, settings: syntheticSettings(settings), record: Int(job.seed))
                    job.truth = Dictionary(scheme.transitions.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
                    let folder = (outputFolder as NSString).appendingPathComponent(job.name)
                    try NwbFile.write(job.recording!, to: (folder as NSString).appendingPathComponent("record.nwb"),
                                      sessionDescription: "PatchFit synthetic record \(job.name) of pipeline \(spec.name)")
                    outcome = analysis.run(job)
                } catch {
                    outcome = RecordingOutcome(name: job.name, input: job.file, ok: false, message: "\(error)",
                                               popen: nil, worstRSquared: nil, reportFolder: nil)
                    progress.finished(job.file, ok: false)
                }
            } else {
                outcome = analysis.run(job)
            }
            lock.lock()
            outcomes[i] = outcome
            lock.unlock()
        }
        if shard.count == 1 { try PipelineRunner.merge(spec: spec) }
        return outcomes.compactMap { $0 }
    }

    func syntheticSettings(_ s: SyntheticStage) -> SyntheticChannel.Settings {
        SyntheticChannel.Settings(conditions: RecordConditions(concentration: s.concentration ?? 0, voltage: s.voltage ?? 0),
                                  channels: s.channels, duration: s.duration, sampleRate: s.sampleRate,
                                  filterHz: s.filterHz, noiseRMS: s.noiseRMS, seed: s.seed)
    }

    /// Every job of the whole batch (before sharding), with names and seeds that depend only
    /// on the inputs — never on which shard or thread runs them.
    func allJobs() throws -> [RecordingAnalysis.Job] {
        let seed = spec.fit?.seed ?? spec.synthetic?.seed ?? 1
        if let s = spec.synthetic {
            return (0..<s.records).map { k in
                RecordingAnalysis.Job(file: "synthetic record \(k + 1)", name: String(format: "synthetic-%03d", k + 1),
                                      concentration: s.concentration ?? spec.fit?.concentrations.first, seed: UInt64(k))
            }
        }
        let files = try InputFiles.expand(spec.inputs, spec: spec)
        let concentrations = spec.fit?.concentrations ?? []
        if concentrations.count > 1 && concentrations.count != files.count {
            throw PipelineError(file: spec.file, key: "fit.concentration",
                                reason: "\(concentrations.count) concentrations for \(files.count) input files (give one, or one per file in sorted order)")
        }
        let names = PipelineRunner.reportNames(files)
        return files.enumerated().map { i, file in
            RecordingAnalysis.Job(file: file, name: names[i],
                                  concentration: concentrations.count > 1 ? concentrations[i] : concentrations.first,
                                  seed: seed ^ PipelineRunner.nameHash(names[i]))
        }
    }

    /// Report folder names: the file's stem, made unique with the parent folder when two
    /// inputs share a stem.
    static func reportNames(_ files: [String]) -> [String] {
        let stems = files.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
        return files.indices.map { i in
            let clash = stems.indices.contains { $0 != i && stems[$0] == stems[i] }
            guard clash else { return sanitise(stems[i]) }
            let parent = URL(fileURLWithPath: files[i]).deletingLastPathComponent().lastPathComponent
            return sanitise(parent + "-" + stems[i])
        }
    }

    static func sanitise(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
    }

    /// A 64-bit hash of a name (first 8 bytes of its SHA-256), for per-file seeds.
    static func nameHash(_ name: String) -> UInt64 {
        SHA256.hash(data: Data(name.utf8)).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    // MARK: - Index

    /// Builds the batch index from every recording's `status.json` under the output folder
    /// (so it also merges the shards of a cluster run), and writes `index.html` and `index.json`.
    @discardableResult
    public static func merge(spec: PipelineSpec) throws -> BatchIndex {
        let folder = spec.resolve(spec.output)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        var rows: [BatchRow] = [], failures: [BatchFailure] = []
        for name in names {
            let status = ((folder as NSString).appendingPathComponent(name) as NSString).appendingPathComponent("status.json")
            guard let data = FileManager.default.contents(atPath: status),
                  let outcome = try? JSONDecoder().decode(RecordingOutcome.self, from: data) else { continue }
            rows.append(BatchRow(name: outcome.name, status: outcome.ok ? .ok : .failed, popen: outcome.popen,
                                 worstRSquared: outcome.worstRSquared, reportFolder: outcome.ok ? outcome.reportFolder : nil))
            if !outcome.ok { failures.append(BatchFailure(file: outcome.input, reason: outcome.message)) }
        }
        let index = BatchIndex(title: spec.name, recordings: rows, failures: failures,
                               settings: [Setting("pipeline", spec.file), Setting("PatchFit", PatchFitVersion.current)])
        _ = try ReportWriter.write(index, to: folder)
        return index
    }
}
