import Foundation

/// One fitted rate constant.
public struct RateEstimate: Sendable, Equatable, Codable {
    /// Rate name (alpha1, k_plus1, …).
    public var name: String
    /// Fitted value in s⁻¹ (or M⁻¹s⁻¹ for agonist-dependent rates).
    public var value: Double
    /// Standard deviation from the observed information; nil when it could not be determined
    /// (fixed rate, or a Hessian that is not negative definite).
    public var standardDeviation: Double?
    /// How the rate was treated: "free", "fixed", "constrained" or "microscopic reversibility".
    public var role: String
}

/// Everything a fit produced, in the form a report draws: the fitted scheme, rates ± SD,
/// log-likelihood, optimiser counts, wall time, and the dwell histograms with the ideal and
/// apparent pdfs over them (`histograms`, with R² per histogram).
public struct KineticFitResult: Sendable {
    /// "exact" (maximum likelihood) or "ssa".
    public var route: String
    /// The scheme with the fitted rates.
    public var scheme: GatingScheme
    /// Every rate, in transition order.
    public var rates: [RateEstimate]
    /// Maximised log-likelihood (natural log).
    public var logLikelihood: Double
    /// Log-likelihood at the starting rates.
    public var initialLogLikelihood: Double
    /// Optimiser iterations and likelihood evaluations (Hessian included).
    public var iterations: Int
    public var evaluations: Int
    /// Whether the simplex met its tolerances (false: stopped at the evaluation cap).
    public var converged: Bool
    /// Wall-clock time of the whole fit in seconds.
    public var wallSeconds: Double
    /// Covariance of the free log-rates (nil if the information matrix was not invertible).
    public var logParameterCovariance: Matrix?
    /// Observed and predicted dwell histograms with pdf tables, one per record and kind.
    public var histograms: [HistogramComparison]
    /// Loss at every iteration of a gradient (SSA) fit; empty for the exact route.
    public var lossCurve: [Double] = []
    /// Channels in the patch the fit assumed.
    public var channels = 1
    /// What a reader of the rates should know (approximations that may bias them).
    public var warnings: [String] = []
    /// How an N-channel likelihood corrected missed events (`PatchMissedEvents.Correction`).
    public var patchCorrection = PatchMissedEvents.Correction.exact
    /// How the rate SDs were obtained.
    public var uncertainty = "rate SDs: observed information (Hessian of the log-likelihood)"

    /// What was maximised or minimised, in words (for reports and `fit.json`).
    public var method: String {
        let what: String
        switch (route, channels) {
        case ("exact", 1): what = "HJC missed-event likelihood"
        case ("exact", _):
            let corrected: String
            switch patchCorrection {
            case .exact: corrected = "exactly (a dwell ends at the first sojourn ≥ t_res at another level)"
            case .hjc: corrected = "by HJC per level (sojourns < t_res that pass on to a third level timed approximately)"
            case .firstOrder: corrected = "to first order (as QuB's MIL)"
            }
            what = "likelihood of \(channels) channels (aggregate Markov process), missed events corrected \(corrected)"
        default: what = "differentiable stochastic simulation of \(channels) channel\(channels == 1 ? "" : "s"): log-dwell-time quantile + open-fraction loss"
        }
        return "\(what); \(uncertainty)"
    }

    /// Histogram name → R².
    public var r2: [String: Double] {
        Dictionary(histograms.compactMap { h in h.r2.map { (h.name, $0) } }, uniquingKeysWith: { a, _ in a })
    }
}
