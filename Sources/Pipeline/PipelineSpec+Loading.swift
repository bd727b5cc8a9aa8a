import Foundation
import PatchData
import GatingModels
import Idealization
import StochasticKinetics
import Yams

extension PipelineSpec {
    static let topLevelKeys: Set<String> = ["name", "kind", "output", "inputs", "read", "channel", "condition",
                                            "idealise", "fit", "synthetic", "network"]

    /// Reads and validates a pipeline file. Every mistake is reported before any work starts,
    /// with the file, line and key; paths inside the file resolve against `baseFolder`
    /// (default: the current directory) and referenced scheme/model files must exist.
    public static func load(path: String, baseFolder: String = FileManager.default.currentDirectoryPath) throws(PipelineError) -> PipelineSpec {
        let text: String
        do { text = try FileContents.text(path) } catch { throw PipelineError(file: path, reason: error.detail) }
        return try parse(text, file: path, baseFolder: baseFolder)
    }

    public static func parse(_ text: String, file: String, baseFolder: String) throws(PipelineError) -> PipelineSpec {
        let y = try YAMLReader.parse(text, file: file)
        try y.rejectUnknownKeys(topLevelKeys)
        let kindText = try y.choice("kind", Kind.allCases.map(\.rawValue)) ?? Kind.recordings.rawValue
        let kind = Kind(rawValue: kindText)!
        let name = try y.string("name") ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        guard name.range(of: #"^[A-Za-z0-9._-]+$"#, options: .regularExpression) != nil else {
            throw y.error("name", "use letters, digits, '.', '_' or '-' only (it names the output folder)")
        }
        var spec = PipelineSpec(name: name, kind: kind, file: file, baseFolder: baseFolder,
                                output: try y.string("output") ?? "Reports/\(name)", inputs: try y.strings("inputs") ?? [],
                                read: try readSettings(y), channel: try channel(y), condition: try condition(y),
                                idealise: try idealise(y), fit: nil, synthetic: nil, network: nil)
        spec.fit = try fit(y, spec: spec)
        spec.synthetic = try synthetic(y, spec: spec)
        spec.network = try network(y, spec: spec)
        switch kind {
        case .recordings:
            guard !spec.inputs.isEmpty else { throw y.error("inputs", "a recordings pipeline needs at least one input (file, folder or glob)") }
            guard spec.synthetic == nil, spec.network == nil else { throw y.error("kind", "recordings pipelines take no 'synthetic' or 'network' section") }
        case .syntheticChannel:
            guard spec.synthetic != nil else { throw y.error("kind", "a synthetic-channel pipeline needs a 'synthetic' section") }
        case .networkFit:
            guard spec.network != nil else { throw y.error("kind", "a network-fit pipeline needs a 'network' section") }
        }
        return spec
    }

    /// Resolves a path from the pipeline file against the base folder.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (baseFolder as NSString).appendingPathComponent(path)
    }

    /// A path as reports show it: relative to the base folder when it lies inside it, so that
    /// reports do not depend on where the project was checked out.
    public func displayPath(_ path: String) -> String {
        let base = baseFolder.hasSuffix("/") ? baseFolder : baseFolder + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    // MARK: - Sections

    private static func readSettings(_ y: YAMLReader) throws(PipelineError) -> ReadStage {
        guard let r = try y.section("read") else { return ReadStage() }
        try r.rejectUnknownKeys(["sample_rate", "raw", "units"])
        return ReadStage(sampleRate: try r.double("sample_rate", positive: true), raw: try r.choice("raw", ["float32", "int16"]),
                            units: try r.string("units"))
    }

    private static func channel(_ y: YAMLReader) throws(PipelineError) -> ChannelSelector {
        guard let s = try y.string("channel") else { return .firstCurrent }
        if let i = Int(s) {
            guard i >= 0 else { throw y.error("channel", "channel index must be 0 or more") }
            return .index(i)
        }
        return s.lowercased() == "auto" ? .firstCurrent : .name(s)
    }

    private static func condition(_ y: YAMLReader) throws(PipelineError) -> ConditionStage {
        guard let c = try y.section("condition") else { return ConditionStage() }
        try c.rejectUnknownKeys(["filter_hz", "acquisition_filter_hz", "notch", "baseline"])
        return ConditionStage(filterHz: try c.double("filter_hz", positive: true),
                                 acquisitionFilterHz: try c.double("acquisition_filter_hz", positive: true),
                                 notch: try c.choice("notch", ["auto", "50", "60", "off"]) ?? "off",
                                 baseline: try c.bool("baseline") ?? false)
    }

    private static func idealise(_ y: YAMLReader) throws(PipelineError) -> IdealiseStage {
        guard let s = try y.section("idealise") else { return IdealiseStage() }
        try s.rejectUnknownKeys(["method", "levels", "resolution", "tcrit", "open_direction", "transition_times"])
        var levels: Int?
        if let text = try s.string("levels"), text.lowercased() != "auto" {
            levels = try s.int("levels", min: 2)
        }
        return IdealiseStage(method: try s.choice("method", ["skm", "threshold"]) ?? "skm", levels: levels,
                                resolution: try s.double("resolution", positive: true), tCrit: try s.double("tcrit", positive: true),
                                openDirection: try s.choice("open_direction", ["up", "down", "auto"]) ?? "auto",
                                transitionTimes: try s.choice("transition_times", IdealisationSettings.TransitionTiming.allCases.map(\.rawValue))
                                    ?? IdealisationSettings.TransitionTiming.interpolated.rawValue)
    }

    private static func existingFile(_ r: YAMLReader, _ key: String, spec: PipelineSpec) throws(PipelineError) -> String {
        let path = try r.requiredString(key)
        guard FileManager.default.fileExists(atPath: spec.resolve(path)) else {
            throw r.error(key, "file not found: \(spec.resolve(path))")
        }
        return path
    }

    private static func fit(_ y: YAMLReader, spec: PipelineSpec) throws(PipelineError) -> FitStage? {
        guard let f = try y.section("fit") else { return nil }
        try f.rejectUnknownKeys(["scheme", "concentration", "voltage", "route", "channels", "seed", "resolution", "tcrit", "iterations", "bootstrap", "gradient",
                                "patch_correction"])
        let concentrations = try f.doubles("concentration") ?? []
        guard concentrations.allSatisfy({ $0 >= 0 }) else { throw f.error("concentration", "concentrations must be 0 or more (M)") }
        return FitStage(scheme: try existingFile(f, "scheme", spec: spec), concentrations: concentrations,
                           voltage: try f.double("voltage"), route: try f.choice("route", ["exact", "ssa", "both"]) ?? "exact",
                           channels: try f.int("channels", min: 1) ?? 1, seed: UInt64(try f.int("seed", min: 0) ?? 1),
                           resolution: try f.double("resolution", positive: true), tCrit: try f.double("tcrit", positive: true),
                           iterations: try f.int("iterations", min: 4) ?? 600, bootstrap: try f.int("bootstrap", min: 0) ?? 8,
                           gradient: try f.choice("gradient", SSAGradientEstimator.allCases.map(\.rawValue)) ?? SSAGradientEstimator.likelihoodRatio.rawValue,
                           patchCorrection: try f.choice("patch_correction", PatchMissedEvents.Correction.allCases.map(\.rawValue))
                               ?? PatchMissedEvents.Correction.exact.rawValue)
    }

    private static func synthetic(_ y: YAMLReader, spec: PipelineSpec) throws(PipelineError) -> SyntheticStage? {
        guard let s = try y.section("synthetic") else { return nil }
        try s.rejectUnknownKeys(["scheme", "concentration", "voltage", "duration", "records", "channels", "sample_rate",
                                 "filter_hz", "noise_rms", "seed"])
        guard let duration = try s.double("duration", positive: true) else { throw s.error("duration", "is required (seconds of simulated record)") }
        let sampleRate = try s.double("sample_rate", positive: true) ?? 100_000
        let filter = try s.double("filter_hz", positive: true) ?? 5_000
        guard filter < sampleRate / 2 else { throw s.error("filter_hz", "must be below the Nyquist frequency (\(sampleRate / 2) Hz)") }
        guard duration * sampleRate <= 2e9 else { throw s.error("duration", "\(duration) s at \(sampleRate) Hz is more samples than PatchFit holds in memory") }
        return SyntheticStage(scheme: try existingFile(s, "scheme", spec: spec), concentration: try s.double("concentration", min: 0),
                                 voltage: try s.double("voltage"), duration: duration, records: try s.int("records", min: 1) ?? 1,
                                 channels: try s.int("channels", min: 1) ?? 1, sampleRate: sampleRate, filterHz: filter,
                                 noiseRMS: try s.double("noise_rms", min: 0) ?? 0.3, seed: UInt64(try s.int("seed", min: 0) ?? 1))
    }

    private static func network(_ y: YAMLReader, spec: PipelineSpec) throws(PipelineError) -> NetworkFitStage? {
        guard let n = try y.section("network") else { return nil }
        try n.rejectUnknownKeys(["benchmark", "target_trajectories", "trajectories", "iterations", "seed", "relaxation", "temperature",
                                 "parameters", "start_factors", "horizons"])
        guard let benchmark = try n.choice("benchmark", ["dimerization", "oscillator"]) else {
            throw n.error("benchmark", "is required: dimerization or oscillator")
        }
        let parameters = try n.strings("parameters"), startFactors = try n.doubles("start_factors")
        if benchmark == "dimerization" {
            // Its benchmark fits both rates from a fixed ratio-breaking start.
            for key in ["parameters", "start_factors"] where n.value(key) != nil {
                throw n.error(key, "applies to the oscillator only (the dimerization fits kf and kb from kf × 3, kb ÷ 2)")
            }
        }
        // The benchmark's problem, built once: the library's own checks (unknown, repeated or no
        // names; one positive factor per rate; every curriculum stage has a window that ends by
        // its horizon), each reported against the key that carries the mistake, before any run.
        let problem: FitBenchmarkProblem
        if benchmark == "oscillator" {
            let rates = parameters ?? FitBenchmarks.oscillatorRates
            do { problem = try FitBenchmarks.oscillatorProblem(fitted: rates, startFactors: startFactors) } catch {
                // The names carry the mistake if they alone are refused; else the start factors do.
                do { _ = try FitBenchmarks.oscillatorProblem(fitted: rates) } catch { throw n.error("parameters", "\(error)") }
                throw n.error("start_factors", "\(error)")
            }
        } else {
            problem = FitBenchmarks.dimerizationProblem()
        }
        let horizons = try n.doubles("horizons") ?? []
        do { _ = try problem.stageHorizons(horizons) } catch { throw n.error("horizons", "\(error)") }
        return NetworkFitStage(benchmark: benchmark, targetTrajectories: try n.int("target_trajectories", min: 1) ?? 100_000,
                               trajectories: try n.int("trajectories", min: 1) ?? 256, iterations: try n.int("iterations", min: 4) ?? 1000,
                               seed: UInt64(try n.int("seed", min: 0) ?? 1),
                               relaxation: try n.choice("relaxation", ["all", "runner-up"]) ?? "all",
                               temperature: try n.double("temperature", positive: true) ?? 0.5,
                               parameters: parameters, startFactors: startFactors, horizons: horizons)
    }
}
