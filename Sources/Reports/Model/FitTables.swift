import Foundation

// The table sections of a `RecordingReport`: rates, fit quality, truth vs fit.

// MARK: - Rates

/// One fitted rate constant. Everything is given by the caller, including the error.
public struct RateRow: Codable, Sendable, Equatable {
    /// e.g. "k12" or "β".
    public var name: String
    public var value: Double
    /// Standard deviation; nil when not estimated.
    public var sd: Double?
    /// e.g. "s⁻¹" or "M⁻¹s⁻¹".
    public var unit: String
    /// The true value of a synthetic run.
    public var truth: Double?
    /// (fit − truth)/truth × 100, as the caller computed it.
    public var errorPercent: Double?

    public init(name: String, value: Double, sd: Double? = nil, unit: String,
                truth: Double? = nil, errorPercent: Double? = nil) {
        self.name = name
        self.value = value
        self.sd = sd
        self.unit = unit
        self.truth = truth
        self.errorPercent = errorPercent
    }
}

// MARK: - Fit quality

/// How well the fitted scheme describes the data.
public struct FitQuality: Codable, Sendable, Equatable {
    /// Log-likelihood of the dwell sequence (natural log), if computed.
    public var logLikelihood: Double?
    /// R² per histogram, labelled like the histograms ("Open times, class 1").
    public var rSquared: [LabelledValue]
    /// The R² a perfect model would score on each histogram (counting noise only), same labels.
    public var rSquaredCeiling: [LabelledValue] = []
    /// e.g. "differentiable SSA + exact-likelihood polish".
    public var route: String
    public var iterations: Int?
    /// Wall time of the fit in seconds.
    public var wallTime: Double?

    public init(logLikelihood: Double? = nil, rSquared: [LabelledValue] = [], route: String,
                iterations: Int? = nil, wallTime: Double? = nil) {
        self.logLikelihood = logLikelihood
        self.rSquared = rSquared
        self.route = route
        self.iterations = iterations
        self.wallTime = wallTime
    }
}

/// A number with a name.
public struct LabelledValue: Codable, Sendable, Equatable {
    public var label: String
    public var value: Double

    public init(_ label: String, _ value: Double) {
        self.label = label
        self.value = value
    }
}

// MARK: - Truth vs fit

/// One quantity of a synthetic run, known truth beside the fitted value.
public struct TruthRow: Codable, Sendable, Equatable {
    /// e.g. "k21", "Popen", "mean open time".
    public var quantity: String
    public var truth: Double
    public var fit: Double
    public var unit: String
    /// As computed by the caller.
    public var errorPercent: Double?

    public init(quantity: String, truth: Double, fit: Double, unit: String, errorPercent: Double? = nil) {
        self.quantity = quantity
        self.truth = truth
        self.fit = fit
        self.unit = unit
        self.errorPercent = errorPercent
    }
}
