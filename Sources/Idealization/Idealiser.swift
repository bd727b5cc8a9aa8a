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
        // Two starting guesses for the drift, and the better final fit (smaller residual) wins:
        // none (right when the closed level anchors the record), and the slow part of the record
        // itself (right when gating is fast and stationary, so the local mean moves only with
        // the drift — a many-channel patch, where residual iteration alone can lock onto a
        // wrong solution with the drift traded for level indices).
        var fit: LevelFit? = nil
        var drift = [Double](repeating: 0, count: x.count)
        if settings.baselineCorrection {
            let mean = x.reduce(0, +) / Double(x.count)
            let slowRecord = try estimateDrift(x.map { $0 - mean }, levels: nil, segments: segments,
                                               sampleInterval: sampleInterval, cutoff: settings.driftCutoff)
            var bestScore = Double.infinity
            for start in [[Double](repeating: 0, count: x.count), slowRecord] {
                let (candidate, candidateDrift) = try iterateDrift(x, start: start, segments: segments,
                                                                   sampleInterval: sampleInterval, settings: settings)
                let score = residualPower(x, fit: candidate, drift: candidateDrift)
                if score < bestScore { bestScore = score; fit = candidate; drift = candidateDrift }
            }
        } else {
            fit = try LevelFit.run(x, segments: segments, settings: settings, sampleInterval: sampleInterval, warmStart: nil)
        }
        guard let fit else { throw IdealizationError.emptyRecord }
        let y = settings.baselineCorrection ? zip(x, drift).map { $0 - $1 } : x
        return try assemble(fit, conditioned: y, drift: drift, segments: segments, sampleInterval: sampleInterval,
                            settings: settings, lineReport: lineReport, provenance: provenance)
    }

    // MARK: - Drift

    /// Alternates idealisation and drift estimation `driftPasses` times from a starting drift.
    static func iterateDrift(_ x: [Double], start: [Double], segments: [Range<Int>], sampleInterval: Double,
                             settings: IdealisationSettings) throws -> (LevelFit, [Double]) {
        var drift = start
        var fit: LevelFit? = nil
        for pass in 0...settings.driftPasses {
            let y = zip(x, drift).map { $0 - $1 }
            // The number of levels is detected once, on the first pass.
            var passSettings = settings
            if let f = fit, settings.fixedLevels == nil { passSettings.levelCount = f.model.count }
            let f = try LevelFit.run(y, segments: segments, settings: passSettings, sampleInterval: sampleInterval,
                                     warmStart: fit?.model)
            fit = f
            if pass == settings.driftPasses { break }
            drift = try estimateDrift(x, levels: f, segments: segments, sampleInterval: sampleInterval, cutoff: settings.driftCutoff)
        }
        guard let fit else { throw IdealizationError.emptyRecord }
        return (fit, drift)
    }

    /// Mean squared (record − drift − fitted level).
    static func residualPower(_ x: [Double], fit: LevelFit, drift: [Double]) -> Double {
        var s = 0.0
        for t in x.indices {
            let r = x[t] - drift[t] - fit.model.means[Int(fit.path[t])]
            s += r * r
        }
        return s / Double(max(1, x.count))
    }

    /// Slow part of (record − fitted level) — or of the record itself when `levels` is nil —
    /// per segment, with zero mean overall.
    static func estimateDrift(_ x: [Double], levels fit: LevelFit?, segments: [Range<Int>], sampleInterval: Double,
                              cutoff: Double) throws -> [Double] {
        var drift = [Double](repeating: 0, count: x.count)
        do {
            for seg in segments {
                let residual: [Double]
                if let fit { residual = seg.map { x[$0] - fit.model.means[Int(fit.path[$0])] } } else { residual = Array(x[seg]) }
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
                         lineReport: LineNoiseFilter.Report, provenance: Provenance,
                         everyLevelVisited: Bool = true) throws -> Idealisation {
        let k = fit.model.count
        var occupancy = [Int](repeating: 0, count: k)
        for l in fit.path { occupancy[Int(l)] += 1 }
        // An estimated level nobody visits was not supported by the data; a given one may idle.
        if everyLevelVisited, let empty = occupancy.firstIndex(of: 0) {
            throw IdealizationError.tooManyLevels(requested: k, supported: occupancy.filter { $0 > 0 }.count,
                reason: "level \(empty) (\(String(format: "%.3g", fit.model.means[empty])) pA) is never visited")
        }
        var warnings: [String] = []
        for (j, n) in occupancy.enumerated() where n < 10 && everyLevelVisited {
            warnings.append("level \(j) holds only \(n) sample(s); the data may support fewer levels")
        }
        // Class order: rank from the closed level in the direction of opening.
        let downward: Bool
        switch settings.openDirection {
        case .up: downward = false
        case .down: downward = true
        case .auto:
            downward = occupancy[k - 1] > occupancy[0]
            // A channel open most of the time (high Popen, many channels) makes the more occupied
            // extreme an open level: say so when the level taken as shut holds under half the record.
            let shut = downward ? k - 1 : 0, total = occupancy.reduce(0, +)
            if k > 1 && 2 * occupancy[shut] < total {
                warnings.append(String(format: "open direction chosen automatically: the more occupied extreme level (%.3g pA, %.0f %% of "
                                       + "samples) is taken as shut, but it holds less than half of the record; if the channel is open "
                                       + "most of the time, set the open direction to %@",
                                       fit.model.means[shut], 100 * Double(occupancy[shut]) / Double(total), downward ? "up" : "down"))
            }
        }
        let classOf = (0..<k).map { downward ? k - 1 - $0 : $0 }
        let byClass = (0..<k).map { downward ? k - 1 - $0 : $0 }   // class → level index
        let path = downward ? fit.path.map { UInt8(k - 1) - $0 } : fit.path
        let closed = fit.model.means[byClass[0]]
        let unresolved = LevelPath.dwells(path: fit.path, samples: y, segments: segments, sampleInterval: sampleInterval,
                                          closedLevel: closed, classOf: classOf,
                                          crossingCurrents: settings.transitionTiming == .interpolated ? fit.model.means : nil,
                                          filterSigma: settings.effectiveCutoff.map { GaussianFilter(cutoff: $0).sigma },
                                          provenance: provenance)
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
