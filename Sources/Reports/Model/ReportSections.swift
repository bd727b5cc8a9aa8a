import Foundation

// The chart sections of a `RecordingReport`. All numbers arrive computed; Reports only draws.

// MARK: - Trace excerpt

/// A stretch of the conditioned trace with the idealisation overlaid (one chart, two series).
public struct TraceExcerpt: Codable, Sendable, Equatable {
    /// Sample times in seconds (increasing).
    public var time: [Double]
    /// Current in pA, one per `time` entry (extra entries of the longer array are ignored).
    public var current: [Double]
    /// Idealised record as steps: each segment holds `level` pA from `start` to `end` (s).
    public var idealised: [IdealisedSegment]
    /// Shown under the chart, e.g. "2.000–2.250 s of 60 s, filtered at 2 kHz".
    public var windowLabel: String

    public init(time: [Double], current: [Double], idealised: [IdealisedSegment], windowLabel: String) {
        self.time = time
        self.current = current
        self.idealised = idealised
        self.windowLabel = windowLabel
    }
}

/// One constant stretch of an idealised record.
public struct IdealisedSegment: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var level: Double

    public init(start: Double, end: Double, level: Double) {
        self.start = start
        self.end = end
        self.level = level
    }
}

// MARK: - Amplitude histogram

/// All-points (or event) amplitude histogram with the fitted Gaussian mixture.
public struct AmplitudeHistogram: Codable, Sendable, Equatable {
    /// Bin edges in pA, `counts.count + 1` of them, increasing.
    public var binEdges: [Double]
    public var counts: [Double]
    /// Fitted components; weights are fractions of the total count (they need not sum to 1).
    public var components: [GaussianComponent]

    public init(binEdges: [Double], counts: [Double], components: [GaussianComponent] = []) {
        self.binEdges = binEdges
        self.counts = counts
        self.components = components
    }
}

/// One Gaussian of a fitted amplitude mixture.
public struct GaussianComponent: Codable, Sendable, Equatable {
    /// Mean (pA) and standard deviation (pA).
    public var mean: Double
    public var sd: Double
    /// Fraction of all counts this component holds.
    public var weight: Double
    /// Legend text, e.g. "shut" or "open 1".
    public var label: String

    public init(mean: Double, sd: Double, weight: Double, label: String) {
        self.mean = mean
        self.sd = sd
        self.weight = weight
        self.label = label
    }
}

// MARK: - Dwell-time histograms

/// Whether a dwell histogram holds open or shut times.
public enum DwellKind: String, Codable, Sendable { case open, shut }

/// A log-binned dwell-time histogram with its predicted pdfs, drawn on a √(count) axis.
public struct DwellHistogram: Codable, Sendable, Equatable {
    public var kind: DwellKind
    /// Conductance class label, e.g. "class 1" (shown in the chart title).
    public var classLabel: String
    /// Log-spaced bin edges in seconds, `counts.count + 1` of them, all > 0 and increasing.
    public var binEdges: [Double]
    /// Number of dwells per bin.
    public var counts: [Double]
    /// The ideal pdf scaled to expected count per bin (drawn dashed; √ taken for drawing).
    public var idealPDF: CurveTable?
    /// The missed-event-corrected (apparent) pdf, same scaling (drawn solid).
    public var apparentPDF: CurveTable?
    /// R² between observed and predicted √counts, if computed.
    public var rSquared: Double?
    /// The imposed resolution t_res in seconds (drawn as a vertical marker).
    public var resolution: Double?

    public init(kind: DwellKind, classLabel: String, binEdges: [Double], counts: [Double],
                idealPDF: CurveTable? = nil, apparentPDF: CurveTable? = nil,
                rSquared: Double? = nil, resolution: Double? = nil) {
        self.kind = kind
        self.classLabel = classLabel
        self.binEdges = binEdges
        self.counts = counts
        self.idealPDF = idealPDF
        self.apparentPDF = apparentPDF
        self.rSquared = rSquared
        self.resolution = resolution
    }

    /// "Open times, class 1" — used as chart title and in tables.
    public var title: String {
        let kindText = kind == .open ? "Open times" : "Shut times"
        return classLabel.isEmpty ? kindText : "\(kindText), \(classLabel)"
    }
}

/// A curve given as a table of (t, value) points, drawn in the order given.
public struct CurveTable: Codable, Sendable, Equatable {
    public var t: [Double]
    public var value: [Double]

    public init(t: [Double], value: [Double]) {
        self.t = t
        self.value = value
    }
}

// MARK: - Loss curve

/// The loss of the differentiable-SSA fit per iteration.
public struct LossCurve: Codable, Sendable, Equatable {
    public var iteration: [Double]
    public var loss: [Double]
    /// What the loss is, e.g. "quantile loss + occupancy".
    public var label: String

    public init(iteration: [Double], loss: [Double], label: String = "loss") {
        self.iteration = iteration
        self.loss = loss
        self.label = label
    }
}
