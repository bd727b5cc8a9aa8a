import Foundation

/// One idealisation pass over conditioned samples: a level model and the per-sample path
/// (levels in ascending order of current).
struct LevelFit: Sendable {
    var model: LevelModel
    var path: [UInt8]
    var iterations: Int

    /// Runs the chosen method. `warmStart` (a previous pass's model with the same number of
    /// levels) replaces the histogram initialisation.
    static func run(_ y: [Double], segments: [Range<Int>], settings: IdealisationSettings,
                    warmStart: LevelModel?) throws -> LevelFit {
        try IdealizationError.check(y)
        let mixture: GaussianMixture
        if let k = settings.levelCount {
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
            model = start.reestimated(from: y, path: path, segments: segments, minSD: minSD, equalSpacing: lattice)
            model.means = mixture.means
            model.sds = mixture.sds.map { max($0, minSD) }
        }
        switch settings.method {
        case .threshold:
            let path = ThresholdCrossing.classify(y, levels: mixture.means)
            model = model.reestimated(from: y, path: path, segments: segments, minSD: minSD, equalSpacing: lattice)
            return LevelFit(model: model, path: path, iterations: 1)
        case .skm:
            var path = Viterbi.path(y, model: model, segments: segments)
            var iterations = 1
            while iterations < settings.maxIterations {
                model = model.reestimated(from: y, path: path, segments: segments, minSD: minSD, equalSpacing: lattice)
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
