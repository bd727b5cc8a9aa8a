import Foundation
import PatchData
import SignalProcessing

/// Idealises sampled current records: conditioning (Gaussian filter, mains notch, baseline
/// drift) then threshold crossing, SKM or Baum–Welch, then resolution imposition.
///
/// Sweeps are idealised as separate segments that share one model. The drift is estimated by
/// alternating idealisation with a Gaussian smoothing (at `driftCutoff`) of the residual
/// record − fitted levels, which works even when the closed level is seldom visited.
/// Output is a pure function of the input and settings (no randomness, no thread dependence).
public enum Idealiser {
    /// Idealises channel `channel` (0-based) of `recording`.
    public static func idealise(_ recording: Recording, channel: Int = 0,
                                settings: IdealisationSettings = IdealisationSettings()) throws -> Idealisation {
        guard channel >= 0, channel < recording.channels.count else {
            throw IdealizationError.channelOutOfRange(requested: channel, available: recording.channels.count)
        }
        let sweeps = recording.channels[channel].sweeps
        var samples: [Double] = []
        var segments: [Range<Int>] = []
        for s in sweeps {
            segments.append(samples.count..<(samples.count + s.count))
            samples.append(contentsOf: s.lazy.map(Double.init))
        }
        return try idealise(samples: samples, sampleInterval: recording.sampleInterval, segments: segments,
                            settings: settings, provenance: recording.provenance)
    }

    /// Idealises `samples` (pA) taken every `sampleInterval` s; `segments` (default: one)
    /// are independent stretches (sweeps).
    public static func idealise(samples: [Double], sampleInterval: Double, segments: [Range<Int>]? = nil,
                                settings: IdealisationSettings = IdealisationSettings(),
                                provenance: Provenance = Provenance(file: "", format: .synthetic)) throws -> Idealisation {
        try settings.validate()
        guard sampleInterval.isFinite, sampleInterval > 0 else {
            throw IdealizationError.invalidSetting("sample interval must be > 0 s, got \(sampleInterval)")
        }
        try IdealizationError.check(samples)
        let segments = (segments ?? [0..<samples.count]).filter { !$0.isEmpty }
        // MARK: Conditioning, segment by segment.
        var x = samples
        var lineReport = LineNoiseFilter.Report.none
        do {
            for seg in segments {
                var part = Array(x[seg])
                if let fc = settings.filterCutoff {
                    part = try GaussianFilter(cutoff: fc).apply(part, sampleInterval: sampleInterval)
                }
                let (clean, report) = try LineNoiseFilter(mode: settings.lineNoise).apply(part, sampleInterval: sampleInterval)
                if report.lineFrequency != nil { lineReport = report }
                x.replaceSubrange(seg, with: clean)
            }
        } catch let e as SignalProcessingError { throw IdealizationError.signalProcessing(e) }
        try IdealizationError.check(x)

        // MARK: Levels, alternating with drift estimation.
        var drift = [Double](repeating: 0, count: x.count)
        var fit: LevelFit? = nil
        let passes = settings.baselineCorrection ? settings.driftPasses : 0
        for pass in 0...passes {
            let y = pass == 0 ? x : zip(x, drift).map { $0 - $1 }
            // The number of levels is detected once, on the first pass.
            var passSettings = settings
            if let f = fit, settings.fixedLevels == nil { passSettings.levelCount = f.model.count }
            fit = try LevelFit.run(y, segments: segments, settings: passSettings, sampleInterval: sampleInterval,
                                   warmStart: fit?.model)
            guard pass < passes, let f = fit else { break }
            drift = try estimateDrift(x, fit: f, segments: segments, sampleInterval: sampleInterval, cutoff: settings.driftCutoff)
        }
        guard let fit else { throw IdealizationError.emptyRecord }
        let y = passes > 0 ? zip(x, drift).map { $0 - $1 } : x
        return try assemble(fit, conditioned: y, drift: drift, segments: segments, sampleInterval: sampleInterval,
                            settings: settings, lineReport: lineReport, provenance: provenance)
    }

    // MARK: - Drift

    /// Slow part of (record − fitted level), per segment, with zero mean overall.
    static func estimateDrift(_ x: [Double], fit: LevelFit, segments: [Range<Int>], sampleInterval: Double,
                              cutoff: Double) throws -> [Double] {
        var drift = [Double](repeating: 0, count: x.count)
        do {
            for seg in segments {
                let residual = seg.map { x[$0] - fit.model.means[Int(fit.path[$0])] }
                let smooth = try BaselineDrift.smoothResidual(residual, sampleInterval: sampleInterval, cutoff: cutoff)
                drift.replaceSubrange(seg, with: smooth)
            }
        } catch let e as SignalProcessingError { throw IdealizationError.signalProcessing(e) }
        let mean = drift.reduce(0, +) / Double(max(1, drift.count))
        return drift.map { $0 - mean }
    }

    // MARK: - Output

    static func assemble(_ fit: LevelFit, conditioned y: [Double], drift: [Double], segments: [Range<Int>],
                         sampleInterval: Double, settings: IdealisationSettings,
                         lineReport: LineNoiseFilter.Report, provenance: Provenance) throws -> Idealisation {
        let k = fit.model.count
        var occupancy = [Int](repeating: 0, count: k)
        for l in fit.path { occupancy[Int(l)] += 1 }
        if let empty = occupancy.firstIndex(of: 0) {
            throw IdealizationError.tooManyLevels(requested: k, supported: occupancy.filter { $0 > 0 }.count,
                reason: "level \(empty) (\(String(format: "%.3g", fit.model.means[empty])) pA) is never visited")
        }
        var warnings: [String] = []
        for (j, n) in occupancy.enumerated() where n < 10 {
            warnings.append("level \(j) holds only \(n) sample(s); the data may support fewer levels")
        }
        // Class order: rank from the closed level in the direction of opening.
        let downward: Bool
        switch settings.openDirection {
        case .up: downward = false
        case .down: downward = true
        case .auto: downward = occupancy[k - 1] > occupancy[0]
        }
        let classOf = (0..<k).map { downward ? k - 1 - $0 : $0 }
        let byClass = (0..<k).map { downward ? k - 1 - $0 : $0 }   // class → level index
        let path = downward ? fit.path.map { UInt8(k - 1) - $0 } : fit.path
        let closed = fit.model.means[byClass[0]]
        let unresolved = LevelPath.dwells(path: fit.path, samples: y, segments: segments, sampleInterval: sampleInterval,
                                          closedLevel: closed, classOf: classOf, provenance: provenance)
        var dwells = unresolved
        if let res = settings.effectiveResolution {
            dwells = try ResolutionImposition.impose(unresolved, resolution: res)
        }
        let halfAmplitude = k > 1 ? 0.5 * abs(fit.model.means[byClass[1]] - closed) : 3 * fit.model.sds[byClass[0]]
        let closedNoise = NoiseEstimate.closedLevelRMS(y, closedLevel: closed, halfWidth: halfAmplitude) ?? fit.model.sds[byClass[0]]
        let driftP2P = (drift.max() ?? 0) - (drift.min() ?? 0)
        return Idealisation(
            dwells: dwells, unresolvedDwells: unresolved, samplePath: path,
            levels: byClass.map { fit.model.means[$0] }, levelSDs: byClass.map { fit.model.sds[$0] },
            transitionProbabilities: byClass.map { i in byClass.map { fit.model.transitions[i][$0] } },
            closedNoiseRMS: closedNoise, lineNoise: lineReport, driftPeakToPeak: driftP2P,
            iterations: fit.iterations, warnings: warnings)
    }
}
