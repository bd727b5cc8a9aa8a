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
        } else if let k = settings.levelCount {
            mixture = try GaussianMixture.fit(y, components: k, spacing: settings.levelSpacing)
        } else {
            mixture = try GaussianMixture.detect(y, maxLevels: settings.maxLevels, spacing: settings.levelSpacing)
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
}
