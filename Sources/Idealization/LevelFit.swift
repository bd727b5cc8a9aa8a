import Foundation
import SignalProcessing

/// One idealisation pass over conditioned samples: a level model and the per-sample path
/// (levels in ascending order of current).
struct LevelFit: Sendable {
    var model: LevelModel
    var path: [UInt8]
    var iterations: Int

    /// Runs the chosen method. `warmStart` (a previous pass's model with the same number of
    /// levels) replaces the histogram initialisation.
    /// `sampleInterval` sets how many edge samples a known filter smears (see `guardSamples`).
    static func run(_ y: [Double], segments: [Range<Int>], settings: IdealisationSettings,
                    sampleInterval: Double, warmStart: LevelModel?) throws -> LevelFit {
        // Edge samples: 2σ of the combined Gaussian filter either side of a transition.
        let guardSamples = settings.effectiveCutoff.map { Int((2 * GaussianFilter(cutoff: $0).sigma / sampleInterval).rounded(.up)) } ?? 0
        try IdealizationError.check(y)
        var mixture: GaussianMixture
        if let fixed = settings.fixedLevels {
            // Known levels; noise from the robust SD of the samples nearest to each.
            let means = fixed.sorted()
            let classes = ThresholdCrossing.classify(y, levels: means)
            var sds = [Double](repeating: 0, count: means.count), counts = sds
            for (v, c) in zip(y, classes) { sds[Int(c)] += (v - means[Int(c)]) * (v - means[Int(c)]); counts[Int(c)] += 1 }
            let pooled = (sds.reduce(0, +) / max(1, counts.reduce(0, +))).squareRoot()
            mixture = GaussianMixture(means: means, sds: means.indices.map { counts[$0] > 1 ? (sds[$0] / counts[$0]).squareRoot() : pooled },
                                      weights: counts.map { $0 / Double(y.count) }, logLikelihood: 0)
        } else {
            // Levels come from plateau samples only: on a filtered record the samples on the
            // edges between levels would otherwise pass for extra levels.
            let plateau = plateauSamples(y, segments: segments, halfWidth: max(1, guardSamples))
            if let k = settings.levelCount {
                mixture = try GaussianMixture.fit(plateau, components: k, spacing: settings.levelSpacing)
            } else {
                mixture = try GaussianMixture.detect(plateau, maxLevels: settings.maxLevels, spacing: settings.levelSpacing)
                // A level that is only ever crossed, never dwelt in, is an edge artefact or a
                // noise tail: drop levels until every one holds some dwells longer than the
                // filter's edge (2·guard + 2 samples).
                while mixture.count > 2,
                      !everyLevelDwells(y, levels: mixture.means, segments: segments, minimumRun: 2 * max(1, guardSamples) + 2) {
                    mixture = try GaussianMixture.fit(plateau, components: mixture.count - 1, spacing: settings.levelSpacing)
                }
            }
        }
        let lattice = mixture.equallySpaced
        guard mixture.count >= 1 else { throw IdealizationError.emptyRecord }
        let spread = (y.max() ?? 0) - (y.min() ?? 0)
        let minSD = max(1e-6 * spread, Double.leastNormalMagnitude)
        var model: LevelModel
        if let w = warmStart, w.count == mixture.count, settings.method != .threshold {
            model = w
        } else {
            // Start from the half-amplitude path: its jump counts give realistic transition
            // probabilities (a sticky guess makes Viterbi smooth over brief dwells, which
            // inflates the noise estimate, which smooths more: SKM's known collapse).
            let start = LevelModel(means: mixture.means, sds: mixture.sds.map { max($0, minSD) })
            let path = ThresholdCrossing.classify(y, levels: mixture.means)
            model = start.reestimated(from: y, path: path, segments: segments, minSD: minSD, equalSpacing: lattice, guardSamples: guardSamples)
            model.means = mixture.means
            model.sds = mixture.sds.map { max($0, minSD) }
        }
        switch settings.method {
        case .threshold where settings.fixedLevels == nil && mixture.count > 1:
            // Thresholds halfway between levels; levels re-measured on dwell interiors.
            let path = ThresholdCrossing.classify(y, levels: mixture.means)
            model = model.reestimated(from: y, path: path, segments: segments, minSD: minSD, equalSpacing: lattice, guardSamples: guardSamples)
            return LevelFit(model: model, path: path, iterations: 1)
        case .threshold:
            let path = ThresholdCrossing.classify(y, levels: mixture.means)
            model = model.reestimated(from: y, path: path, segments: segments, minSD: minSD, equalSpacing: lattice, guardSamples: guardSamples)
            return LevelFit(model: model, path: path, iterations: 1)
        case .skm:
            var path = Viterbi.path(y, model: model, segments: segments)
            var iterations = 1
            while iterations < settings.maxIterations {
                model = model.reestimated(from: y, path: path, segments: segments, minSD: minSD, equalSpacing: lattice, guardSamples: guardSamples)
                let (sorted, order) = model.sorted()
                model = sorted
                let next = Viterbi.path(y, model: model, segments: segments)
                iterations += 1
                let identityOrder = order == Array(order.indices)
                if next == path && identityOrder { break }
                path = next
            }
            return LevelFit(model: model, path: path, iterations: iterations)
        case .baumWelch:
            let (fitted, _) = BaumWelch.fit(y, model: model, segments: segments,
                                            iterations: settings.maxIterations, minSD: minSD)
            model = fitted.sorted().0
            let path = Viterbi.path(y, model: model, segments: segments)
            return LevelFit(model: model, path: path, iterations: settings.maxIterations)
        }
    }

    /// Samples t whose neighbours t ± h differ by less than 3√2 noise SDs (the noise SD from the
    /// MAD of those differences, which edges — a minority — do not move); all samples if fewer
    /// than 1 % qualify.
    static func plateauSamples(_ y: [Double], segments: [Range<Int>], halfWidth h: Int) -> [Double] {
        var diffs: [Double] = []
        diffs.reserveCapacity(y.count)
        for seg in segments where seg.count > 2 * h {
            for t in (seg.lowerBound + h)..<(seg.upperBound - h) { diffs.append(abs(y[t + h] - y[t - h])) }
        }
        guard diffs.count > 100 else { return y }
        // The median from an evenly spaced subsample of ≤ 2^16 differences (no full sort).
        let stride = max(1, diffs.count >> 16)
        var sorted = Swift.stride(from: 0, to: diffs.count, by: stride).map { diffs[$0] }
        sorted.sort()
        // |difference of two N(0, σ²)| has median 0.6745·√2·σ.
        let sigma = sorted[sorted.count / 2] / (0.6745 * 2.0.squareRoot())
        let limit = 3 * 2.0.squareRoot() * sigma
        var out: [Double] = []
        out.reserveCapacity(y.count)
        var i = 0
        for seg in segments where seg.count > 2 * h {
            for t in (seg.lowerBound + h)..<(seg.upperBound - h) {
                if diffs[i] <= limit { out.append(y[t]) }
                i += 1
            }
        }
        return out.count >= max(100, y.count / 100) ? out : y
    }

    /// Whether, on the half-amplitude path, at least 30 % of every level's samples lie in dwells
    /// of `minimumRun` samples or more.
    static func everyLevelDwells(_ y: [Double], levels: [Double], segments: [Range<Int>], minimumRun: Int) -> Bool {
        let path = ThresholdCrossing.classify(y, levels: levels)
        var total = [Int](repeating: 0, count: levels.count), long = total
        for seg in segments where !seg.isEmpty {
            var start = seg.lowerBound
            for t in seg where t + 1 == seg.upperBound || path[t + 1] != path[t] {
                let l = Int(path[t]), n = t + 1 - start
                total[l] += n
                if n >= minimumRun { long[l] += n }
                start = t + 1
            }
        }
        return zip(total, long).allSatisfy { $0 > 0 && Double($1) >= 0.3 * Double($0) }
    }
}
