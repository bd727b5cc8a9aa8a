import Foundation

/// Removes mains interference (50 or 60 Hz and harmonics) from a record.
///
/// Detection: a Welch spectrum at ≤ 0.5 Hz resolution; a harmonic counts as present when its
/// peak exceeds the median density of the surrounding ±10 Hz by `detectionRatio` (default 10,
/// i.e. 10 dB). In `.auto` mode the fundamental must be present; the line frequency is whichever
/// of 50/60 Hz has the stronger summed excess.
/// Removal: in consecutive blocks of a whole number of line cycles (~1 s), each present
/// harmonic's sine and cosine amplitudes are fitted by least squares and subtracted — a
/// notch of width ≈ 1/block length that leaves all other frequencies, and the channel
/// openings, untouched.
public struct LineNoiseFilter: Sendable, Equatable {
    /// What to do about mains interference.
    public enum Mode: Sendable, Equatable {
        /// Detect 50 or 60 Hz from the spectrum; do nothing if neither is present.
        case auto
        /// Remove this line frequency (Hz) and its harmonics.
        case frequency(Double)
        /// Leave the record alone.
        case off
    }

    /// What the filter found and removed.
    public struct Report: Sendable, Equatable {
        /// Line frequency removed (Hz); nil when none was detected or mode was `.off`.
        public var lineFrequency: Double?
        /// Harmonic numbers removed (1 = fundamental).
        public var harmonics: [Int]
        /// RMS of the interference subtracted, in sample units.
        public var removedRMS: Double

        public init(lineFrequency: Double?, harmonics: [Int], removedRMS: Double) {
            self.lineFrequency = lineFrequency
            self.harmonics = harmonics
            self.removedRMS = removedRMS
        }

        /// Nothing found, nothing removed.
        public static let none = Report(lineFrequency: nil, harmonics: [], removedRMS: 0)
    }

    public var mode: Mode
    /// Peak-to-local-median density ratio above which a harmonic counts as present.
    public var detectionRatio: Double = 10
    /// Highest harmonic considered.
    public var maxHarmonic: Int = 20

    public init(mode: Mode) { self.mode = mode }

    /// Returns the cleaned record and what was removed.
    /// - Throws: `SignalProcessingError` for empty/non-finite records or a bad line frequency.
    public func apply(_ samples: [Double], sampleInterval: Double) throws -> ([Double], Report) {
        try SignalProcessingError.check(samples, sampleInterval: sampleInterval)
        let nyquist = 0.5 / sampleInterval
        let none = Report(lineFrequency: nil, harmonics: [], removedRMS: 0)
        // Too short to hold several line cycles, or mains above Nyquist: nothing to do.
        guard mode != .off, Double(samples.count) * sampleInterval >= 0.1 else { return (samples, none) }
        let spectrumSegment = min(samples.count, FFTPlanCache.goodLength(atLeast: Int((2 / sampleInterval).rounded(.up))))
        let psd = try PowerSpectrum.welch(samples, sampleInterval: sampleInterval, segmentLength: spectrumSegment)
        var chosen: (f0: Double, harmonics: [Int])?
        switch mode {
        case .off: return (samples, none)
        case let .frequency(f):
            guard f.isFinite, f > 0, f < nyquist else {
                throw SignalProcessingError.invalidSetting("line frequency must be in (0, \(nyquist)) Hz, got \(f)")
            }
            let present = presentHarmonics(psd, f0: f, nyquist: nyquist).map(\.0)
            chosen = (f, present.isEmpty ? [1] : present)
        case .auto:
            var best = 0.0
            for f in [50.0, 60.0] where f < nyquist {
                let present = presentHarmonics(psd, f0: f, nyquist: nyquist)
                // Mains always shows its fundamental; harmonics alone are more likely gating.
                guard present.contains(where: { $0.0 == 1 }) else { continue }
                let score = present.reduce(0) { $0 + $1.1 }
                if !present.isEmpty && score > best { best = score; chosen = (f, present.map(\.0)) }
            }
        }
        guard let (f0, harmonics) = chosen else { return (samples, none) }
        var y = samples
        let removed = subtractSinusoids(&y, f0: f0, harmonics: harmonics, sampleInterval: sampleInterval)
        return (y, Report(lineFrequency: f0, harmonics: harmonics, removedRMS: removed))
    }

    // MARK: - Detection

    /// Harmonics h whose peak near h·f0 stands `detectionRatio` above the local median; with the ratio.
    func presentHarmonics(_ psd: PowerSpectrum, f0: Double, nyquist: Double) -> [(Int, Double)] {
        var out: [(Int, Double)] = []
        let df = psd.resolution
        guard df > 0 else { return out }
        for h in 1...maxHarmonic {
            let f = Double(h) * f0
            if f + 10 >= nyquist { break }
            var peak = 0.0, neighbours: [Double] = []
            for (k, fk) in psd.frequencies.enumerated() where abs(fk - f) <= 10 {
                if abs(fk - f) <= max(1, 1.5 * df) { peak = max(peak, psd.density[k]) }
                else if abs(fk - f) > max(2, 3 * df) { neighbours.append(psd.density[k]) }
            }
            guard !neighbours.isEmpty else { continue }
            neighbours.sort()
            let median = neighbours[neighbours.count / 2]
            if median > 0, peak / median >= detectionRatio { out.append((h, peak / median)) }
        }
        return out
    }

    // MARK: - Removal

    /// Least-squares sine/cosine subtraction per block of whole line cycles; returns removed RMS.
    func subtractSinusoids(_ y: inout [Double], f0: Double, harmonics: [Int], sampleInterval: Double) -> Double {
        let n = y.count
        let cyclesPerBlock = max(1.0, (1.0 * f0).rounded())
        let block = max(8, Int((cyclesPerBlock / f0 / sampleInterval).rounded()))
        var removedSquares = 0.0
        var start = 0
        while start < n {
            // A short tail joins the previous block's fit length rule: fit it on its own if long enough.
            let length = min(block, n - start)
            for h in harmonics {
                let w = 2 * Double.pi * Double(h) * f0 * sampleInterval
                // Normal equations for a·cos + b·sin over the block (exact even for partial cycles).
                var cc = 0.0, ss = 0.0, cs = 0.0, xc = 0.0, xs = 0.0
                for i in 0..<length {
                    let t = Double(start + i) * w
                    let c = cos(t), s = sin(t), x = y[start + i]
                    cc += c * c; ss += s * s; cs += c * s; xc += x * c; xs += x * s
                }
                let det = cc * ss - cs * cs
                guard det > 1e-12 * cc * ss else { continue }
                let a = (xc * ss - xs * cs) / det
                let b = (xs * cc - xc * cs) / det
                for i in 0..<length {
                    let t = Double(start + i) * w
                    let v = a * cos(t) + b * sin(t)
                    y[start + i] -= v
                    removedSquares += v * v
                }
            }
            start += length
        }
        return (removedSquares / Double(n)).squareRoot()
    }
}
