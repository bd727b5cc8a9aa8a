import SignalProcessing

/// Everything that steers an idealisation. The defaults idealise a typical record without tuning.
public struct IdealisationSettings: Sendable, Equatable {
    /// How samples are assigned to levels.
    public enum Method: String, Sendable, Equatable, CaseIterable {
        /// Half-amplitude threshold crossing between the levels of a Gaussian mixture.
        case threshold
        /// Segmental k-means: Viterbi path, levels/noise/transitions re-estimated from it.
        case skm
        /// Baum–Welch maximum-likelihood estimation of the model, then one Viterbi path.
        case baumWelch
    }

    /// Which way the current moves when channels open.
    public enum OpenDirection: String, Sendable, Equatable, CaseIterable {
        /// Openings raise the current (outward current, or an offset record like Deep-Channel's).
        case up
        /// Openings lower the current (inward current).
        case down
        /// The more occupied of the two extreme levels is the closed one (right for records
        /// that are mostly shut; say `up`/`down` for patches of many channels with high Popen).
        case auto
    }

    /// Where a transition between two samples is placed in time.
    public enum TransitionTiming: String, Sendable, Equatable, CaseIterable {
        /// Where the record crosses halfway between the two levels, interpolated between the
        /// samples either side: durations are continuous, as missed-event theory assumes.
        case interpolated
        /// Halfway between the samples: every duration is a whole number of samples (as
        /// Clampfit's event lists), so intervals of exactly t_res are ambiguous.
        case samples
    }

    /// Digital Gaussian low-pass cut-off in Hz; nil: no filtering.
    public var filterCutoff: Double?
    /// Cut-off of the filtering already applied at acquisition (amplifier/recorder), Hz, if
    /// known; it enters the dead time through 1/f_c² = Σ 1/f_i².
    public var acquisitionFilterCutoff: Double?
    /// Mains interference removal.
    public var lineNoise: LineNoiseFilter.Mode = .auto
    /// Remove a slow baseline drift (iterated against the fitted levels).
    public var baselineCorrection: Bool = true
    /// Cut-off (Hz) of the Gaussian smoothing that defines "slow" for the drift.
    public var driftCutoff: Double = 1
    /// Drift/idealisation alternations when `baselineCorrection` is on.
    public var driftPasses: Int = 6
    /// The method.
    public var method: Method = .skm
    /// Number of levels (shut plus open levels); nil: detected from the amplitude histogram.
    public var levelCount: Int?
    /// Whether levels are equally spaced (identical channels) or free; `.auto` lets BIC decide.
    public var levelSpacing: LevelSpacing = .auto
    /// Known level currents (pA, any order), e.g. the shut level and a full opening measured on
    /// long events. Threshold crossing then splits halfway between them (the half-amplitude
    /// rule proper); SKM and Baum–Welch start from them. Overrides `levelCount`.
    public var fixedLevels: [Double]?
    /// Largest number of levels detection may choose.
    public var maxLevels: Int = 6
    /// Resolution (dead time) to impose, s. nil: 0.179/f_c of the combined filter if one is
    /// known, otherwise none. 0: none.
    public var resolution: Double?
    /// Direction of openings.
    public var openDirection: OpenDirection = .auto
    /// How transitions are timed between samples.
    public var transitionTiming: TransitionTiming = .interpolated
    /// Maximum SKM or Baum–Welch iterations.
    public var maxIterations: Int = 20

    public init() {}

    /// The combined cut-off of acquisition and digital filters, if any is known.
    public var effectiveCutoff: Double? {
        let all = [filterCutoff, acquisitionFilterCutoff].compactMap { $0 }
        return all.isEmpty ? nil : GaussianFilter.combinedCutoff(all)
    }

    /// The resolution that will be imposed (nil: none).
    public var effectiveResolution: Double? {
        if let resolution { return resolution > 0 ? resolution : nil }
        return effectiveCutoff.map { 0.179 / $0 }
    }

    /// Checks ranges; throws `IdealizationError.invalidSetting` naming the setting.
    public func validate() throws {
        func bad(_ s: String) -> IdealizationError { .invalidSetting(s) }
        if let f = filterCutoff, !(f.isFinite && f > 0) { throw bad("filter cut-off must be > 0 Hz, got \(f)") }
        if let f = acquisitionFilterCutoff, !(f.isFinite && f > 0) { throw bad("acquisition cut-off must be > 0 Hz, got \(f)") }
        if !(driftCutoff.isFinite && driftCutoff > 0) { throw bad("drift cut-off must be > 0 Hz, got \(driftCutoff)") }
        if let k = levelCount, k < 2 || k > 64 { throw bad("number of levels must be 2…64 (shut plus open levels), got \(k)") }
        if let l = fixedLevels, l.count < 2 || l.count > 64 || l.contains(where: { !$0.isFinite }) || Set(l).count != l.count {
            throw bad("fixed levels must be 2…64 distinct finite currents, got \(l)")
        }
        if maxLevels < 2 || maxLevels > 64 { throw bad("maximum number of levels must be 2…64, got \(maxLevels)") }
        if let r = resolution, !(r.isFinite && r >= 0) { throw bad("resolution must be ≥ 0 s, got \(r)") }
        if maxIterations < 1 { throw bad("iterations must be ≥ 1, got \(maxIterations)") }
        if driftPasses < 1 { throw bad("drift passes must be ≥ 1, got \(driftPasses)") }
    }
}
