import Foundation
import PatchData

/// The fitting routes PatchFit offers.
public enum FitRoute: String, Sendable, Codable, CaseIterable {
    /// Exact HJC likelihood (one channel).
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
    /// Channels in the patch (the exact route needs 1).
    public var channels: Int = 1
    /// Route.
    public var route: FitRoute = .exact
    /// Seed for stochastic routes.
    public var seed: UInt64 = 1
    /// Cap on likelihood evaluations of the simplex.
    public var maxEvaluations: Int = 20_000

    public init(resolution: Double? = nil, tCrit: Double? = nil, channels: Int = 1, route: FitRoute = .exact,
                seed: UInt64 = 1, maxEvaluations: Int = 20_000) {
        self.resolution = resolution; self.tCrit = tCrit; self.channels = channels
        self.route = route; self.seed = seed; self.maxEvaluations = maxEvaluations
    }
}

/// One record to fit: its dwells, conditions and (optionally) its own t_crit.
public struct FitInput: Sendable {
    public var sequence: DwellSequence
    public var conditions: RecordConditions
    /// t_crit for this record in s (overrides `FitSettings.tCrit`).
    public var tCrit: Double?

    public init(_ sequence: DwellSequence, conditions: RecordConditions, tCrit: Double? = nil) {
        self.sequence = sequence; self.conditions = conditions; self.tCrit = tCrit
    }
}

/// Entry point for callers (CLI, Pipeline): prepares records and runs the requested routes.
public enum KineticFitting {
    /// Whether the SSA route is available in this build (needs the StochasticKinetics engine).
    public static let ssaRouteAvailable = false

    /// Checks settings before any work: resolution/t_crit finite and positive, channels ≥ 1,
    /// routes available, the exact route only for one channel.
    public static func validate(_ s: FitSettings) throws {
        if let r = s.resolution, !(r.isFinite && r > 0) {
            throw GatingModelsError.invalidArgument(name: "resolution", reason: "\(r) s must be finite and > 0")
        }
        if let t = s.tCrit, !(t.isFinite && t > 0) {
            throw GatingModelsError.invalidArgument(name: "tcrit", reason: "\(t) s must be finite and > 0")
        }
        guard s.channels >= 1 else { throw GatingModelsError.invalidArgument(name: "channels", reason: "must be ≥ 1") }
        if s.route != .exact && !ssaRouteAvailable {
            throw GatingModelsError.routeUnavailable("route '\(s.route.rawValue)' is not yet available: the differentiable-SSA fit of gating schemes (scheme → reaction network → StochasticKinetics) is not written yet; use --route exact")
        }
        if s.route != .ssa && s.channels > 1 {
            throw GatingModelsError.invalidArgument(name: "channels", reason: "the exact likelihood is for one channel; \(s.channels) channels need the SSA route")
        }
    }

    /// Prepares one likelihood record per (sequence, conditions).
    public static func records(_ inputs: [FitInput], settings: FitSettings) throws -> [LikelihoodRecord] {
        try inputs.map { input in
            let seq = input.sequence, cond = input.conditions
            guard let tRes = settings.resolution ?? seq.resolution, tRes > 0 else {
                throw GatingModelsError.invalidArgument(name: "resolution", reason: "record '\(seq.provenance.file)' has no resolution imposed; give one")
            }
            guard seq.openingCount > 0 else { throw GatingModelsError.noOpenings(record: seq.provenance.file) }
            let tCrit = input.tCrit ?? settings.tCrit ?? .infinity
            guard tCrit > 0, !tCrit.isNaN else { throw GatingModelsError.invalidArgument(name: "tcrit", reason: "\(tCrit) s must be > 0") }
            return try LikelihoodRecord(seq, conditions: cond, resolution: tRes, tCrit: tCrit)
        }
    }

    /// Runs the fit(s). Returns one result per route run.
    /// `progress` receives (simplex iterations so far, best −log-likelihood) as the fit runs.
    public static func run(_ scheme: GatingScheme, inputs: [FitInput], settings: FitSettings,
                           progress: (@Sendable (Int, Double) -> Void)? = nil) throws -> [KineticFitResult] {
        try validate(settings)
        let recs = try records(inputs, settings: settings)
        var fit = ExactFit()
        fit.optimizer.maxEvaluations = settings.maxEvaluations
        fit.optimizer.progress = progress
        return [try fit.fit(scheme, records: recs)]
    }
}
