import Foundation
import PatchData

/// The fitting routes PatchFit offers.
public enum FitRoute: String, Sendable, Codable, CaseIterable {
    /// Maximum likelihood: exact HJC for one channel, the N-channel likelihood for several.
    case exact
    /// Differentiable stochastic simulation (StochasticKinetics engine).
    case ssa
    /// Both, the exact fit first.
    case both
}

/// Settings of a fit, as the CLI and pipelines give them.
public struct FitSettings: Sendable, Equatable {
    /// Resolution t_res in s; nil = each record's own (an error if a record has none).
    public var resolution: Double?
    /// t_crit in s for CHS groups; nil = no split (each stretch between unusable intervals
    /// and segment edges is one group).
    public var tCrit: Double?
    /// Channels in the patch (the exact route's likelihood: HJC for 1, N-channel above).
    public var channels: Int = 1
    /// Route.
    public var route: FitRoute = .exact
    /// Seed for stochastic routes.
    public var seed: UInt64 = 1
    /// Cap on likelihood evaluations of the exact route's optimiser.
    public var maxEvaluations: Int = 20_000
    /// How the exact route maximises the likelihood.
    public var exactMethod: ExactFit.Method = .bobyqa
    /// How the exact route's N-channel likelihood corrects missed events.
    public var patchCorrection: PatchMissedEvents.Correction = .exact
    /// Adam iterations of the SSA route.
    public var ssaIterations: Int = 400
    /// Bootstrap replicates for the SSA route's rate SDs (0: no SDs).
    public var ssaBootstrap: Int = 8
    /// Iterations of each bootstrap replicate (nil: as many as the fit).
    public var ssaBootstrapIterations: Int?
    /// How the SSA route estimates its gradient.
    public var ssaEstimator: SSAGradientEstimator = .likelihoodRatio
    /// Kept simulated intervals per observed interval in each SSA iteration (more: less
    /// gradient noise, proportionally more time).
    public var ssaSimulationMultiple: Double = 3

    public init(resolution: Double? = nil, tCrit: Double? = nil, channels: Int = 1, route: FitRoute = .exact,
                seed: UInt64 = 1, maxEvaluations: Int = 20_000, ssaIterations: Int = 400, ssaBootstrap: Int = 8,
                ssaEstimator: SSAGradientEstimator = .likelihoodRatio, ssaSimulationMultiple: Double = 3) {
        self.resolution = resolution; self.tCrit = tCrit; self.channels = channels
        self.route = route; self.seed = seed; self.maxEvaluations = maxEvaluations
        self.ssaIterations = ssaIterations; self.ssaBootstrap = ssaBootstrap; self.ssaEstimator = ssaEstimator
        self.ssaSimulationMultiple = ssaSimulationMultiple
    }
}

/// One record to fit: its dwells, conditions and (optionally) its own t_crit.
public struct FitInput: Sendable {
    public var sequence: DwellSequence
    public var conditions: RecordConditions
    /// t_crit for this record in s (overrides `FitSettings.tCrit`).
    public var tCrit: Double?
    /// How the SSA route should observe its simulated records (nil: resolution only).
    public var observation: SSAObservation?

    public init(_ sequence: DwellSequence, conditions: RecordConditions, tCrit: Double? = nil, observation: SSAObservation? = nil) {
        self.sequence = sequence; self.conditions = conditions; self.tCrit = tCrit; self.observation = observation
    }
}

/// Entry point for callers (CLI, Pipeline): prepares records and runs the requested routes.
public enum KineticFitting {
    /// Checks settings before any work: resolution/t_crit finite and positive, channels ≥ 1,
    /// SSA iterations ≥ 4. (How many channels the exact route can take depends on the scheme:
    /// `ChannelPatch` says so when the records are prepared.)
    public static func validate(_ s: FitSettings) throws {
        if let r = s.resolution, !(r.isFinite && r > 0) {
            throw GatingModelsError.invalidArgument(name: "resolution", reason: "\(r) s must be finite and > 0")
        }
        if let t = s.tCrit, !(t.isFinite && t > 0) {
            throw GatingModelsError.invalidArgument(name: "tcrit", reason: "\(t) s must be finite and > 0")
        }
        guard s.channels >= 1 else { throw GatingModelsError.invalidArgument(name: "channels", reason: "must be ≥ 1") }
        guard s.ssaIterations >= 4, s.ssaBootstrap >= 0, (s.ssaBootstrapIterations ?? 4) >= 4 else {
            throw GatingModelsError.invalidArgument(name: "ssa iterations", reason: "need ≥ 4 iterations (fit and bootstrap replicates) and ≥ 0 bootstrap replicates")
        }
        guard s.ssaSimulationMultiple.isFinite && s.ssaSimulationMultiple >= 0.5 && s.ssaSimulationMultiple <= 1000 else {
            throw GatingModelsError.invalidArgument(name: "ssa simulation multiple", reason: "\(s.ssaSimulationMultiple): need 0.5…1000 simulated intervals per observed one")
        }
    }

    /// Prepares one likelihood record per (sequence, conditions).
    public static func records(_ inputs: [FitInput], settings: FitSettings) throws -> [LikelihoodRecord] {
        try inputs.map { input in
            let seq = input.sequence, cond = input.conditions
            let tRes = try resolution(of: seq, settings)
            guard seq.openingCount > 0 else { throw GatingModelsError.noOpenings(record: seq.provenance.file) }
            return try LikelihoodRecord(seq, conditions: cond, resolution: tRes, tCrit: try tCrit(of: input, settings))
        }
    }

    /// Runs the fit(s): the exact route, the SSA route, or both — the SSA fit then starts from
    /// the exact estimate (ARCHITECTURE.md §4: the exact fit is route 1's starting point), so
    /// it checks whether the simulation loss agrees with the likelihood's optimum. Returns one
    /// result per route, the exact one first.
    /// `progress` receives (iterations so far, objective) as a fit runs: −log-likelihood for
    /// the simplex, the loss for the SSA route.
    public static func run(_ scheme: GatingScheme, inputs: [FitInput], settings: FitSettings,
                           progress: (@Sendable (Int, Double) -> Void)? = nil) throws -> [KineticFitResult] {
        try validate(settings)
        var results: [KineticFitResult] = []
        if settings.route != .ssa {
            var fit = ExactFit()
            fit.optimizer.maxEvaluations = settings.maxEvaluations
            fit.method = settings.exactMethod
            fit.patchCorrection = settings.patchCorrection
            fit.optimizer.progress = progress
            if settings.channels == 1 {
                results.append(try fit.fit(scheme, records: try records(inputs, settings: settings)))
            } else {
                results.append(try fit.fit(scheme, patchRecords: try patchRecords(inputs, settings: settings)))
            }
        }
        if settings.route != .exact {
            let recs = try ssaRecords(inputs, settings: settings)
            var fit = SSAFit()
            fit.iterations = settings.ssaIterations
            fit.bootstrapReplicates = settings.ssaBootstrap
            fit.bootstrapIterations = settings.ssaBootstrapIterations
            fit.dwellMultiple = settings.ssaSimulationMultiple
            fit.seed = settings.seed
            fit.estimator = settings.ssaEstimator
            let start = results.first?.scheme ?? scheme
            results.append(try fit.fit(start, records: recs, channels: settings.channels, progress: progress))
        }
        let crowded = crowdedRecordWarnings(inputs, settings: settings)
        for i in results.indices { results[i].warnings += crowded }
        return results
    }

    /// One warning per record with dwells above the first open level when the fit assumes one
    /// channel: the one-channel likelihood counts every open level as the same open class, so a
    /// patch with several channels (forgotten `channels`) would be fitted as if it were one.
    static func crowdedRecordWarnings(_ inputs: [FitInput], settings: FitSettings) -> [String] {
        guard settings.channels == 1 else { return [] }
        return inputs.compactMap { input in
            let top = input.sequence.dwells.map(\.level).max() ?? 0
            guard top >= 2 else { return nil }
            let name = (input.sequence.provenance.file as NSString).lastPathComponent
            return "\(name) has dwells at \(top) open levels, but the fit assumes one channel and counts them all as one open "
                + "class; if they are \(top) channels open at once, fit with channels = \(top)"
        }
    }

    /// Prepares one N-channel likelihood record per input (`settings.channels` > 1).
    public static func patchRecords(_ inputs: [FitInput], settings: FitSettings) throws -> [PatchRecord] {
        try inputs.map { input in
            let seq = input.sequence
            return try PatchRecord(seq, conditions: input.conditions, resolution: try resolution(of: seq, settings),
                                   tCrit: try tCrit(of: input, settings), channels: settings.channels)
        }
    }

    /// Prepares one SSA record per input (resolution and t_crit as for the exact route).
    public static func ssaRecords(_ inputs: [FitInput], settings: FitSettings) throws -> [SSARecord] {
        try inputs.map { input in
            let seq = input.sequence
            let tRes = try resolution(of: seq, settings)
            var record = try SSARecord(seq, conditions: input.conditions, resolution: tRes, tCrit: input.tCrit ?? settings.tCrit,
                                       channels: settings.channels)
            record.observation = input.observation
            return record
        }
    }

    /// The t_crit of a likelihood record: its own, else the settings' (∞: no split).
    static func tCrit(of input: FitInput, _ settings: FitSettings) throws -> Double {
        let tCrit = input.tCrit ?? settings.tCrit ?? .infinity
        guard tCrit > 0, !tCrit.isNaN else { throw GatingModelsError.invalidArgument(name: "tcrit", reason: "\(tCrit) s must be > 0") }
        return tCrit
    }

    /// The resolution to fit a record at: the settings', else the record's own.
    static func resolution(of sequence: DwellSequence, _ settings: FitSettings) throws -> Double {
        guard let tRes = settings.resolution ?? sequence.resolution, tRes > 0 else {
            throw GatingModelsError.invalidArgument(name: "resolution", reason: "record '\(sequence.provenance.file)' has no resolution imposed; give one")
        }
        return tRes
    }
}
