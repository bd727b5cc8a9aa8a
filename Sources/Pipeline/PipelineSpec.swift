import Foundation

/// A pipeline file, validated: what to read, how to condition, idealise and fit it, and where
/// the reports go. See `Pipelines/README.md` for the file reference.
public struct PipelineSpec: Sendable, Equatable {
    /// What the pipeline does.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Lab recordings (or idealised dwell files) → idealise → fit → report.
        case recordings
        /// Simulate a known gating scheme, render a realistic trace, then the same stages; the
        /// report adds truth against fit.
        case syntheticChannel = "synthetic-channel"
        /// Fit a chemical reaction network to its own simulated data by differentiable SSA
        /// (the seed paper's synthetic benchmarks: dimerization, genetic oscillator).
        case networkFit = "network-fit"
    }

    public var name: String
    public var kind: Kind
    /// Path of the pipeline file, as given (used in error messages).
    public var file: String
    /// Folder that relative paths in the file are resolved against (the current directory
    /// when the pipeline is run, as users expect from `patchfit run Pipelines/x.yaml`).
    public var baseFolder: String
    /// Output folder for reports and the stage cache.
    public var output: String
    /// Input patterns: files, folders, globs (for `recordings`).
    public var inputs: [String]
    public var read: ReadStage
    public var channel: ChannelSelector
    public var condition: ConditionStage
    public var idealise: IdealiseStage
    public var fit: FitStage?
    public var synthetic: SyntheticStage?
    public var network: NetworkFitStage?
}

// MARK: - Stage settings

public struct ReadStage: Sendable, Equatable, Codable {
    public var sampleRate: Double?
    public var raw: String?
    public var units: String?
}

/// Which channel of a multi-channel recording holds the single-channel current.
public enum ChannelSelector: Sendable, Equatable, Codable {
    /// The first channel whose units are a current (A, nA, pA, fA), else channel 0.
    case firstCurrent
    case index(Int)
    case name(String)
}

public struct ConditionStage: Sendable, Equatable, Codable {
    /// Gaussian low-pass cut-off (Hz); nil = no extra filtering.
    public var filterHz: Double?
    /// Cut-off of the filter already applied at acquisition (Hz), if known: it sets the dead time.
    public var acquisitionFilterHz: Double?
    /// "auto", "50", "60" or "off".
    public var notch: String = "off"
    /// Remove baseline drift.
    public var baseline: Bool = false
}

public struct IdealiseStage: Sendable, Equatable, Codable {
    /// "skm" or "threshold".
    public var method: String = "skm"
    /// Number of levels including the closed one; nil = detect.
    public var levels: Int?
    /// Resolution (dead time) imposed, s; nil = 0.179 / f_c of the effective filter.
    public var resolution: Double?
    /// Critical shut time separating bursts, s.
    public var tCrit: Double?
    /// Which way openings go: "up", "down" or "auto" (auto takes the most occupied extreme
    /// level as closed, which is wrong for patches open most of the time).
    public var openDirection: String = "auto"
    /// How transitions are timed: "interpolated" (half-amplitude crossing between samples) or
    /// "samples" (durations in whole samples).
    public var transitionTimes: String = "interpolated"
}

public struct FitStage: Sendable, Equatable, Codable {
    public var scheme: String
    /// Agonist concentration per record (M); one value applies to all.
    public var concentrations: [Double]
    /// Membrane potential (V) for voltage-dependent rates.
    public var voltage: Double?
    /// "exact", "ssa" or "both".
    public var route: String = "exact"
    /// Channels in the patch.
    public var channels: Int = 1
    public var seed: UInt64 = 1
    /// Resolution for fitting, s (defaults to the idealisation's).
    public var resolution: Double?
    public var tCrit: Double?
    /// Adam iterations of the SSA route.
    public var iterations: Int = 600
    /// Bootstrap replicates for the SSA route's rate SDs.
    public var bootstrap: Int = 8
    /// The SSA route's gradient estimator ("likelihood-ratio" or "straight-through").
    public var gradient: String = "likelihood-ratio"
    /// The exact route's missed-event correction for N > 1 channels ("exact", "hjc" or "first-order").
    public var patchCorrection: String = "exact"
}

public struct SyntheticStage: Sendable, Equatable, Codable {
    public var scheme: String
    public var concentration: Double?
    public var voltage: Double?
    /// Simulated time per record, s.
    public var duration: Double
    public var records: Int = 1
    public var channels: Int = 1
    public var sampleRate: Double = 100_000
    /// Analogue filter applied to the rendered trace (Hz).
    public var filterHz: Double = 5_000
    /// RMS of the white noise after the filter, pA.
    public var noiseRMS: Double = 0.3
    public var seed: UInt64 = 1
}

public struct NetworkFitStage: Sendable, Equatable, Codable {
    /// Which of the seed paper's benchmarks: "dimerization" (2A ⇌ A₂, both rates from a
    /// ratio-breaking start) or "oscillator" (Vilar 2002; βA and δR from a wrong start).
    public var benchmark: String
    /// Trajectories simulated at the true rates to make the target data.
    public var targetTrajectories: Int
    /// Trajectories per gradient iteration.
    public var trajectories: Int
    public var iterations: Int
    public var seed: UInt64 = 1
    /// The straight-through surrogate's softmax: "all" (every competing reaction; the default)
    /// or "runner-up" (the chosen reaction and the race's runner-up: an iteration costs half as
    /// much on the oscillator, but it needs about twice the iterations — StochasticKinetics README).
    public var relaxation: String = "all"
    /// Its temperature τ (0.5 by default; the StochasticKinetics README measures others).
    public var temperature: Double = 0.5
    /// The oscillator's rates to recover (parameter names; nil: βA and δR), the rest held at truth.
    public var parameters: [String]? = nil
    /// Their starts as multiples of the truth (nil: × 1.3, × 0.75, × 1.3, … in order).
    public var startFactors: [Double]? = nil
    /// A horizon curriculum (hours of the oscillator, time units of the dimerization): each stage
    /// fits the windows that end by its horizon for `iterations` iterations, then a last stage fits
    /// all of them. Empty: one stage. Four oscillator rates need one (StochasticKinetics README).
    public var horizons: [Double] = []
}
