import Foundation

/// A one-sided power spectral density estimated by Welch's method
/// (Welch 1967: Hann-windowed segments, 50 % overlap, periodograms averaged).
public struct PowerSpectrum: Sendable, Equatable {
    /// Bin centre frequencies, Hz, from 0 to the Nyquist frequency.
    public var frequencies: [Double]
    /// Power spectral density in units²/Hz (one-sided: integrating it over 0…Nyquist gives the
    /// variance of the mean-removed record).
    public var density: [Double]
    /// Number of segments averaged.
    public var segmentCount: Int

    /// Frequency spacing of the bins, Hz.
    public var resolution: Double { frequencies.count > 1 ? frequencies[1] - frequencies[0] : 0 }

    /// Welch estimate of the PSD of `samples`.
    /// - Parameters:
    ///   - segmentLength: samples per segment; clipped to the record length (≥ 16 needed).
    ///     Longer segments give finer frequency resolution (fs / segmentLength) but fewer averages.
    /// - Throws: `SignalProcessingError` for empty, non-finite or too-short records.
    public static func welch(_ samples: [Double], sampleInterval: Double,
                             segmentLength: Int = 4096) throws -> PowerSpectrum {
        try SignalProcessingError.check(samples, sampleInterval: sampleInterval)
        guard samples.count >= 16 else { throw SignalProcessingError.recordTooShort(samples: samples.count, needed: 16) }
        guard segmentLength >= 16 else {
            throw SignalProcessingError.invalidSetting("Welch segment length must be ≥ 16, got \(segmentLength)")
        }
        let m = min(segmentLength, samples.count)
        let hop = max(m / 2, 1)
        let segments = (samples.count - m) / hop + 1
        let window = (0..<m).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(m)) }
        let windowPower = window.reduce(0) { $0 + $1 * $1 }
        let buf = FFTBuffer(length: m)
        var density = [Double](repeating: 0, count: buf.binCount)
        for s in 0..<segments {
            let start = s * hop
            var mean = 0.0
            for i in 0..<m { mean += samples[start + i] }
            mean /= Double(m)
            for i in 0..<m { buf.real[i] = (samples[start + i] - mean) * window[i] }
            buf.forwardTransform()
            for k in 0..<buf.binCount {
                let c = buf.spectrum[k]
                density[k] += c.0 * c.0 + c.1 * c.1
            }
        }
        // One-sided density: 2|X|²/(fs·Σw²), DC and Nyquist bins not doubled.
        let fs = 1 / sampleInterval
        for k in density.indices {
            let doubled = (k == 0 || (m % 2 == 0 && k == m / 2)) ? 1.0 : 2.0
            density[k] *= doubled / (fs * windowPower * Double(segments))
        }
        let df = fs / Double(m)
        return PowerSpectrum(frequencies: density.indices.map { Double($0) * df },
                             density: density, segmentCount: segments)
    }

    /// Single-precision convenience (widened to Double).
    public static func welch(_ samples: [Float], sampleInterval: Double,
                             segmentLength: Int = 4096) throws -> PowerSpectrum {
        try welch(samples.map(Double.init), sampleInterval: sampleInterval, segmentLength: segmentLength)
    }

    /// Integral of the density between `low` and `high` Hz (rectangle rule): the variance
    /// the record carries in that band.
    public func bandPower(from low: Double, to high: Double) -> Double {
        var s = 0.0
        for (f, p) in zip(frequencies, density) where f >= low && f <= high { s += p }
        return s * resolution
    }
}
