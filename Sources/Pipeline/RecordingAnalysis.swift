import Foundation
import GatingModels
import Idealization
import PatchData
import Reports
import SignalProcessing

/// Runs the stages for one input file — ingest → condition + idealise → fit → report — with
/// each expensive stage cached, and turns any failure into a failed outcome for the index.
struct RecordingAnalysis: Sendable {
    let spec: PipelineSpec
    let cache: StageCache
    let progress: ProgressReporter

    /// Everything the runner knows about one input.
    struct Job: Sendable {
        var file: String
        var name: String
        /// Agonist concentration for this record (M), if the fit needs one.
        var concentration: Double?
        var seed: UInt64
        /// Known truth for synthetic records (rate name → value).
        var truth: [String: Double] = [:]
        /// A recording already in memory (synthetic runs); otherwise the file is read.
        var recording: Recording?
    }

    var reportFolder: String { spec.resolve(spec.output) }

    func run(_ job: Job) -> RecordingOutcome {
        let folder = (reportFolder as NSString).appendingPathComponent(job.name)
        var outcome: RecordingOutcome
        do {
            outcome = try analyse(job, folder: folder)
        } catch {
            outcome = RecordingOutcome(name: job.name, input: spec.displayPath(job.file), ok: false, message: "\(error)",
                                       popen: nil, worstRSquared: nil, reportFolder: nil)
        }
        try? outcome.write(to: folder)
        progress.finished(job.file, ok: outcome.ok)
        return outcome
    }

    // MARK: - Stages

    private func analyse(_ job: Job, folder: String) throws -> RecordingOutcome {
        progress.update(job.file, "reading")
        let contents: PatchFileContents
        let inputHash: String
        if let recording = job.recording {
            contents = .recording(recording)
            inputHash = StageCache.hash(data: Data(recording.channels.flatMap { $0.sweeps.flatMap { $0 } }.withUnsafeBytes { Data($0) }))
        } else {
            inputHash = try StageCache.hash(file: job.file)
            contents = try PatchFileReader.read(job.file, options: readOptions)
        }

        let ideal = try idealiseStage(contents, inputHash: inputHash, job: job)
        let dwells = ideal.dwellSequence(provenance: contents.provenance)
        var fit: FitOutput?
        if let fitStage = spec.fit {
            fit = try runFit(fitStage, dwells: dwells, ideal: ideal, inputHash: inputHash, job: job)
        }

        progress.update(job.file, "writing report")
        let report = ReportAssembly.report(job: job, inputHash: inputHash, spec: spec, ideal: ideal, fit: fit)
        _ = try ReportWriter.write(report, to: folder)
        try DwellFileWriter.write(dwells, to: (folder as NSString).appendingPathComponent("dwells.csv"), format: .dwellCSV)
        if let fit {
            try AtomicFile.write(fit.fittedSchemeYAML, to: (folder as NSString).appendingPathComponent("fitted-scheme.yaml"))
            let timing = "{\n  \"fit_wall_seconds\" : \(fit.wallSeconds)\n}\n"
            try AtomicFile.write(timing, to: (folder as NSString).appendingPathComponent("timing.json"))
        }
        let worst = fit?.rSquared.map(\.value).min()
        return RecordingOutcome(name: job.name, input: spec.displayPath(job.file), ok: true, message: "", popen: ideal.popen,
                                worstRSquared: worst, reportFolder: job.name)
    }

    private var readOptions: ReadOptions {
        ReadOptions(sampleRate: spec.read.sampleRate, rawSampleType: spec.read.raw.flatMap(RawSampleType.init(rawValue:)),
                    units: spec.read.units)
    }

    /// Condition and idealise a recording, or take an idealised file as it is (imposing the
    /// pipeline's resolution if one is set).
    private func idealiseStage(_ contents: PatchFileContents, inputHash: String, job: Job) throws -> IdealiseOutput {
        struct Key: Encodable { var channel: ChannelSelector; var condition: ConditionStage; var idealise: IdealiseStage; var read: ReadStage }
        let key = StageCache.key(stage: "idealise", inputHash: inputHash,
                                 settings: Key(channel: spec.channel, condition: spec.condition, idealise: spec.idealise, read: spec.read))
        if let cached = cache.load(IdealiseOutput.self, stage: "idealise", key: key) { return cached }
        progress.update(job.file, "idealising")
        let output: IdealiseOutput
        switch contents {
        case .dwells(let d):
            var sequence = d
            if let r = spec.idealise.resolution { sequence = try ResolutionImposition.impose(d, resolution: r) }
            let stats = DwellStatistics(sequence, tCrit: spec.idealise.tCrit)
            output = IdealiseOutput(dwells: sequence, levelCurrents: [], levelSDs: [], closedNoiseRMS: nil, popen: stats.popen,
                                    trace: nil, amplitudeHistogram: nil, warnings: [],
                                    settings: [Setting("input", "idealised dwell list (\(d.provenance.format.rawValue))")])
        case .recording(let r):
            let channel = try selectChannel(r)
            var settings = IdealisationSettings()
            settings.filterCutoff = spec.condition.filterHz
            settings.acquisitionFilterCutoff = spec.condition.acquisitionFilterHz
            switch spec.condition.notch {
            case "auto": settings.lineNoise = .auto
            case "50": settings.lineNoise = .frequency(50)
            case "60": settings.lineNoise = .frequency(60)
            default: settings.lineNoise = .off
            }
            settings.baselineCorrection = spec.condition.baseline
            settings.method = spec.idealise.method == "threshold" ? .threshold : .skm
            settings.levelCount = spec.idealise.levels
            settings.openDirection = spec.idealise.openDirection == "up" ? .up : spec.idealise.openDirection == "down" ? .down : .auto
            settings.resolution = spec.idealise.resolution
            settings.transitionTiming = IdealisationSettings.TransitionTiming(rawValue: spec.idealise.transitionTimes) ?? .interpolated
            let result = try Idealiser.idealise(r, channel: channel, settings: settings)
            let stats = DwellStatistics(result.dwells, tCrit: spec.idealise.tCrit)
            output = IdealiseOutput(dwells: result.dwells, levelCurrents: result.levels, levelSDs: result.levelSDs,
                                    transitionProbabilities: result.transitionProbabilities,
                                    closedNoiseRMS: result.closedNoiseRMS, popen: stats.popen,
                                    trace: ReportAssembly.traceExcerpt(r.channels[channel], sampleInterval: r.sampleInterval,
                                                                       path: result.samplePath, levels: result.levels),
                                    amplitudeHistogram: ReportAssembly.amplitudeHistogram(r.channels[channel], path: result.samplePath,
                                                                                          levels: result.levels, sds: result.levelSDs),
                                    warnings: result.warnings,
                                    settings: [Setting("channel", "\(channel): \(r.channels[channel].name) (\(r.channels[channel].units))"),
                                               Setting("idealisation", result.summaryFields.joined().joined(separator: "; ")),
                                               Setting("transition times", Self.describe(settings))])
        }
        try cache.store(output, stage: "idealise", key: key)
        return output
    }

    private func selectChannel(_ r: Recording) throws -> Int {
        switch spec.channel {
        case .index(let i):
            guard i < r.channels.count else { throw PipelineError(file: r.provenance.file, key: "channel", reason: "channel \(i) requested, the file has \(r.channels.count)") }
            return i
        case .name(let n):
            guard let i = r.channelIndex(named: n) else { throw PipelineError(file: r.provenance.file, key: "channel", reason: "no channel named '\(n)'") }
            return i
        case .firstCurrent:
            return r.channels.firstIndex { ["A", "mA", "uA", "nA", "pA", "fA"].contains($0.units) } ?? 0
        }
    }

    private func runFit(_ stage: FitStage, dwells: DwellSequence, ideal: IdealiseOutput, inputHash: String, job: Job) throws -> FitOutput {
        struct Key: Encodable { var stage: FitStage; var concentration: Double?; var seed: UInt64; var dwells: String }
        let dwellHash = StageCache.hash(data: Data(DwellCSVFile.text(of: dwells).utf8))
        let key = StageCache.key(stage: "fit", inputHash: inputHash,
                                 settings: Key(stage: stage, concentration: job.concentration, seed: job.seed, dwells: dwellHash))
        if let cached = cache.load(FitOutput.self, stage: "fit", key: key) { return cached }
        progress.update(job.file, "fitting \(stage.route)")
        let scheme = try GatingScheme(contentsOf: spec.resolve(stage.scheme))
        let conditions = RecordConditions(concentration: job.concentration ?? 0, voltage: stage.voltage ?? 0)
        let resolution = stage.resolution ?? dwells.resolution ?? spec.idealise.resolution
        var fitSettings = GatingModels.FitSettings(resolution: resolution, tCrit: stage.tCrit ?? spec.idealise.tCrit,
                                                channels: stage.channels, route: FitRoute(rawValue: stage.route) ?? .exact,
                                                seed: job.seed, ssaIterations: stage.iterations, ssaBootstrap: stage.bootstrap,
                                                ssaEstimator: SSAGradientEstimator(rawValue: stage.gradient) ?? .likelihoodRatio)
        fitSettings.patchCorrection = PatchMissedEvents.Correction(rawValue: stage.patchCorrection) ?? .exact
        let settings = fitSettings
        let progress = self.progress, file = job.file
        // The SSA route sees its simulated records as the data were seen: rendered and idealised.
        let observation = settings.route == .exact ? nil : RecordingObservation.make(ideal, spec: spec)
        let results = try KineticFitting.run(scheme, inputs: [FitInput(dwells, conditions: conditions, tCrit: settings.tCrit,
                                                                       observation: observation)],
                                             settings: settings) { iteration, value in
            // The exact route's optimiser reports −log-likelihood, the SSA route its loss.
            progress.update(file, settings.route == .exact
                            ? String(format: "fitting: iteration %d, log-likelihood %.2f", iteration, -value)
                            : String(format: "fitting (%@): iteration %d, objective %.4g", stage.route, iteration, value))
        }
        guard !results.isEmpty else { throw PipelineError(file: job.file, key: "fit", reason: "the fit returned no result") }
        let output = ReportAssembly.fitOutput(results, truth: job.truth)
        try cache.store(output, stage: "fit", key: key)
        return output
    }

    /// How the idealisation timed its transitions, for the report's settings.
    static func describe(_ settings: IdealisationSettings) -> String {
        switch settings.transitionTiming {
        case .samples: return "halfway between samples (whole-sample durations)"
        case .interpolated:
            return "at the half-amplitude crossing, between samples"
                + (settings.effectiveCutoff == nil ? "" : "; brief events corrected for the filter")
        }
    }
}
