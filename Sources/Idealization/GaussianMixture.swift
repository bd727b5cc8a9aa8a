import Foundation

/// A one-dimensional Gaussian mixture fitted to the amplitude histogram: the current levels of
/// a record, their noise and occupancy.
///
/// EM runs on a 1024-bin histogram (exact to within a bin width, and independent of record
/// length). Means start at the (k+½)/K quantiles so the fit is deterministic. `detect` chooses
/// K by BIC among fits whose adjacent levels are at least `minSeparation` pooled SDs apart
/// (closer components are one level's noise split in two, not two levels).
public struct GaussianMixture: Sendable, Equatable {
    /// Component means, ascending.
    public var means: [Double]
    /// Component standard deviations.
    public var sds: [Double]
    /// Mixing weights (sum 1).
    public var weights: [Double]
    /// Log-likelihood of the histogram under the mixture.
    public var logLikelihood: Double

    public var count: Int { means.count }

    /// Whether the levels were constrained to be equally spaced.
    public var equallySpaced: Bool = false

    /// Number of free parameters (for BIC).
    public var parameterCount: Int { equallySpaced ? 2 + 2 * count - 1 : 3 * count - 1 }

    /// Bayesian information criterion for `n` samples (lower is better).
    public func bic(samples n: Int) -> Double { -2 * logLikelihood + Double(parameterCount) * log(Double(n)) }

    /// Fits K components with free means. Throws `tooManyLevels` when a component ends up empty.
    public static func fit(_ x: [Double], components k: Int, iterations: Int = 300) throws -> GaussianMixture {
        try IdealizationError.check(x)
        guard k >= 1 else { throw IdealizationError.invalidSetting("number of levels must be ≥ 1, got \(k)") }
        let h = Histogram(x, bins: 1024)
        let means = (0..<k).map { h.quantile((Double($0) + 0.5) / Double(k)) }
        let spread = h.width * Double(h.counts.count)
        return try em(h, samples: x.count, means: means, sd: max(spread / Double(2 * k), h.width),
                      lattice: false, iterations: iterations)
    }

    /// Fits K equally spaced components, μ_k = μ_0 + k·A (k identical channels), each with its
    /// own SD and weight. The extreme levels of a many-channel patch may be almost never
    /// visited, so quantiles cannot place the lattice: a grid of starts (A from 0.3 to 1 times
    /// the data range/(K−1), μ_0 over the lowest 30 % of the range) is scored after a few EM
    /// steps and the best start is refined to convergence.
    public static func fitLattice(_ x: [Double], components k: Int, iterations: Int = 300) throws -> GaussianMixture {
        try IdealizationError.check(x)
        guard k >= 3 else { return try fit(x, components: max(1, k), iterations: iterations) }
        let h = Histogram(x, bins: 1024)
        let coarse = Histogram(x, bins: 256)   // the start search needs no finer bins
        let lo = h.low, range = h.width * Double(h.counts.count)
        var bestStart: (means: [Double], sd: Double)? = nil
        var bestLL = -Double.infinity
        for ai in 0..<15 {
            let a = range / Double(k - 1) * (0.3 + 0.7 * Double(ai) / 14)
            for mi in 0..<10 {
                let mu0 = lo + range * 0.3 * Double(mi) / 9
                let means = (0..<k).map { mu0 + a * Double($0) }
                guard let m = try? em(coarse, samples: x.count, means: means, sd: max(a / 4, coarse.width),
                                      lattice: true, iterations: 10) else { continue }
                if m.logLikelihood > bestLL { bestLL = m.logLikelihood; bestStart = (means, max(a / 4, h.width)) }
            }
        }
        guard let start = bestStart, let best = try? em(h, samples: x.count, means: start.means, sd: start.sd,
                                                         lattice: true, iterations: iterations) else {
            throw IdealizationError.tooManyLevels(requested: k, supported: k - 1, reason: "no equally spaced fit keeps every level occupied")
        }
        return best
    }

    /// EM on the histogram; with `lattice` the M-step fits μ_0 and A by weighted least squares
    /// of the component means (weights N_k/σ_k², exact for the Gaussian likelihood).
    static func em(_ h: Histogram, samples: Int, means start: [Double], sd: Double, lattice: Bool,
                   iterations: Int) throws -> GaussianMixture {
        let k = start.count
        var means = start
        var sds = [Double](repeating: sd, count: k)
        var weights = [Double](repeating: 1 / Double(k), count: k)
        var ll = -Double.infinity
        var resp = [Double](repeating: 0, count: k)
        let floorSD = h.width / 2
        for _ in 0..<iterations {
            var sw = [Double](repeating: 0, count: k), sx = sw, sxx = sw
            var newLL = 0.0
            for b in 0..<h.counts.count where h.counts[b] > 0 {
                let c = h.centre(b)
                var total = 0.0
                for j in 0..<k {
                    let z = (c - means[j]) / sds[j]
                    resp[j] = weights[j] * exp(-0.5 * z * z) / sds[j]
                    total += resp[j]
                }
                guard total > 0 else { continue }
                let n = Double(h.counts[b])
                newLL += n * log(total / (2 * Double.pi).squareRoot())
                for j in 0..<k {
                    let r = n * resp[j] / total
                    sw[j] += r; sx[j] += r * c; sxx[j] += r * c * c
                }
            }
            for j in 0..<k where sw[j] > 0 {
                let m = sx[j] / sw[j]
                sds[j] = max(floorSD, (max(0, sxx[j] / sw[j] - m * m) + h.width * h.width / 12).squareRoot())
                means[j] = m
                weights[j] = sw[j] / Double(samples)
            }
            if lattice { means = latticeProjection(means, weights: (0..<k).map { sw[$0] / (sds[$0] * sds[$0]) }) }
            if let empty = sw.firstIndex(where: { $0 < 1e-9 }) {
                throw IdealizationError.tooManyLevels(requested: k, supported: k - 1,
                    reason: "mixture component \(empty) attracts no samples")
            }
            let converged = abs(newLL - ll) <= 1e-9 * abs(newLL)
            ll = newLL
            if converged { break }
        }
        let order = means.indices.sorted { means[$0] < means[$1] }
        return GaussianMixture(means: order.map { means[$0] }, sds: order.map { sds[$0] },
                               weights: order.map { weights[$0] }, logLikelihood: ll, equallySpaced: lattice)
    }

    /// Weighted least-squares fit of μ_k = μ_0 + k·A to `means`.
    static func latticeProjection(_ means: [Double], weights: [Double]) -> [Double] {
        var sw = 0.0, sk = 0.0, skk = 0.0, sm = 0.0, skm = 0.0
        for (k, (m, w)) in zip(means, weights).enumerated() {
            let kk = Double(k)
            sw += w; sk += w * kk; skk += w * kk * kk; sm += w * m; skm += w * kk * m
        }
        let det = sw * skk - sk * sk
        guard det > 0 else { return means }
        let a = (sw * skm - sk * sm) / det
        let mu0 = (sm - a * sk) / sw
        return means.indices.map { mu0 + a * Double($0) }
    }

    /// The better (by BIC) of the free and, for K ≥ 3, the equally spaced fit with K levels
    /// (`spacing` forces one or the other).
    public static func fit(_ x: [Double], components k: Int, spacing: LevelSpacing) throws -> GaussianMixture {
        switch spacing {
        case .free: return try fit(x, components: k)
        case .equal: return try fitLattice(x, components: k)
        case .auto:
            let free = try? fit(x, components: k)
            let lattice = k >= 3 ? try? fitLattice(x, components: k) : nil
            switch (free, lattice) {
            case let (f?, l?): return l.bic(samples: x.count) <= f.bic(samples: x.count) ? l : f
            case let (f?, nil): return f
            case let (nil, l?): return l
            default: return try fit(x, components: k)
            }
        }
    }

    /// Chooses the number of levels (1…`maxLevels`) by BIC among well-separated fits.
    public static func detect(_ x: [Double], maxLevels: Int = 6, spacing: LevelSpacing = .auto,
                              minSeparation: Double = 2) throws -> GaussianMixture {
        try IdealizationError.check(x)
        var best: GaussianMixture? = nil
        var bestBIC = Double.infinity
        for k in 1...max(1, maxLevels) {
            guard let m = try? fit(x, components: k, spacing: spacing) else { continue }
            var separated = true
            for j in 1..<max(1, k) where m.means[j] - m.means[j - 1] < minSeparation * max(m.sds[j], m.sds[j - 1]) {
                separated = false
            }
            guard separated else { continue }
            let bic = m.bic(samples: x.count)
            if bic < bestBIC { bestBIC = bic; best = m }
        }
        guard let best else { return try fit(x, components: 1) }
        return best
    }
}

/// Whether the open levels are constrained to equal steps (identical channels).
public enum LevelSpacing: String, Sendable, Equatable, CaseIterable {
    /// Each level free.
    case free
    /// μ_k = μ_0 + k·A: k identical channels open.
    case equal
    /// Equal spacing if BIC prefers it (three or more levels), otherwise free.
    case auto
}

/// Fixed-width histogram over the data range.
struct Histogram {
    let low: Double
    let width: Double
    var counts: [Int]

    init(_ x: [Double], bins: Int) {
        let lo = x.min() ?? 0, hi = x.max() ?? 1
        low = lo
        width = max((hi - lo) / Double(bins), Double.leastNormalMagnitude)
        counts = [Int](repeating: 0, count: bins)
        for v in x { counts[min(bins - 1, max(0, Int((v - lo) / width)))] += 1 }
    }

    func centre(_ b: Int) -> Double { low + (Double(b) + 0.5) * width }

    /// The bin centre where the cumulative count first reaches fraction `p` (no sort needed).
    func quantile(_ p: Double) -> Double {
        let target = p * Double(counts.reduce(0, +))
        var cumulative = 0.0
        for b in counts.indices {
            cumulative += Double(counts[b])
            if cumulative >= target { return centre(b) }
        }
        return centre(counts.count - 1)
    }
}
