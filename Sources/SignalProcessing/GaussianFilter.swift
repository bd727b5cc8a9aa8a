import Foundation

/// The digital Gaussian low-pass filter of Colquhoun & Sigworth (1995, "Fitting and statistical
/// analysis of single-channel records", in *Single-Channel Recording*, 2nd ed.), the field's
/// standard for single-channel records.
///
/// The impulse response is a Gaussian of standard deviation σ = √(ln 2)/(2π f_c) ≈ 0.1325/f_c
/// seconds, so the gain is H(f) = exp(−(ln 2 / 2)·(f/f_c)²): exactly 1/√2 (−3 dB) at f = f_c,
/// zero phase, no overshoot. Its 10–90 % rise time is 0.3396/f_c, and the dead time behind a
/// half-amplitude threshold is 0.179/f_c (`deadTime`). Cascading filters combines as
/// 1/f_c² = Σ 1/f_i² (`combinedCutoff`).
public struct GaussianFilter: Sendable, Equatable {
    /// −3 dB cut-off frequency, Hz. Must be finite and > 0.
    public var cutoff: Double

    public init(cutoff: Double) { self.cutoff = cutoff }

    /// σ of the impulse response, seconds.
    public var sigma: Double { (log(2.0)).squareRoot() / (2 * Double.pi * cutoff) }

    /// Dead time for half-amplitude detection: 0.179/f_c seconds (Colquhoun & Sigworth 1995).
    public var deadTime: Double { 0.179 / cutoff }

    /// Gain at frequency `f` (Hz).
    public func gain(at f: Double) -> Double { exp(-0.5 * log(2.0) * (f / cutoff) * (f / cutoff)) }

    /// The cut-off of filters in series (e.g. amplifier then digital): 1/f_c² = Σ 1/f_i².
    public static func combinedCutoff(_ cutoffs: [Double]) -> Double {
        1 / cutoffs.reduce(0) { $0 + 1 / ($1 * $1) }.squareRoot()
    }

    /// Filters `samples` taken every `sampleInterval` seconds.
    ///
    /// The record ends are handled by mirror reflection, so a constant record stays constant
    /// to rounding and the first/last samples are not pulled towards zero. A cut-off at or above
    /// the Nyquist frequency still applies the (mild) Gaussian gain up to Nyquist.
    /// - Throws: `SignalProcessingError` for an empty record, non-finite samples or settings.
    public func apply(_ samples: [Double], sampleInterval: Double) throws -> [Double] {
        try SignalProcessingError.check(samples, sampleInterval: sampleInterval)
        guard cutoff.isFinite, cutoff > 0 else {
            throw SignalProcessingError.invalidSetting("filter cut-off must be finite and > 0 Hz, got \(cutoff)")
        }
        let sigmaSamples = sigma / sampleInterval
        // Beyond 8σ the Gaussian is below 1e-14 of its peak.
        let margin = Int((8 * sigmaSamples).rounded(.up)) + 8
        let fcCycles = cutoff * sampleInterval
        let k = 0.5 * log(2.0) / (fcCycles * fcCycles)
        return FrequencyDomainFilter.apply(samples, margin: margin) { f in exp(-k * f * f) }
    }

    /// Filters single-precision samples (widened to Double).
    public func apply(_ samples: [Float], sampleInterval: Double) throws -> [Double] {
        try apply(samples.map(Double.init), sampleInterval: sampleInterval)
    }
}
