import Foundation
import SignalProcessing

/// A hidden Markov model of a sampled current: K levels with Gaussian noise and a
/// per-sample transition matrix between them.
public struct LevelModel: Sendable, Equatable {
    /// Mean current of each level, ascending after `sorted()`.
    public var means: [Double]
    /// Noise standard deviation of each level (> 0).
    public var sds: [Double]
    /// Per-sample transition probabilities, row i → column j (rows sum to 1).
    public var transitions: [[Double]]
    /// Probability of each level at the first sample of a segment.
    public var initial: [Double]

    public var count: Int { means.count }

    public init(means: [Double], sds: [Double], transitions: [[Double]], initial: [Double]) {
        self.means = means
        self.sds = sds
        self.transitions = transitions
        self.initial = initial
    }

    /// A starting model: the given levels and noise, staying put with probability `stay`.
    public init(means: [Double], sds: [Double], stay: Double = 0.95) {
        let k = means.count
        let off = k > 1 ? (1 - stay) / Double(k - 1) : 0
        self.init(means: means, sds: sds,
                  transitions: (0..<k).map { i in (0..<k).map { $0 == i ? (k > 1 ? stay : 1) : off } },
                  initial: [Double](repeating: 1 / Double(k), count: k))
    }

    /// The most probable level path (Viterbi) of `samples`, split into `segments` (default: one).
    /// Long records are decoded in parallel chunks; the result does not depend on the core count.
    public func viterbiPath(_ samples: [Double], segments: [Range<Int>]? = nil) -> [UInt8] {
        Viterbi.path(samples, model: self, segments: segments ?? [0..<samples.count])
    }

    /// The same model with levels in ascending order of mean; `order[new] = old`.
    func sorted() -> (LevelModel, order: [Int]) {
        let order = means.indices.sorted { means[$0] < means[$1] }
        let m = LevelModel(means: order.map { means[$0] }, sds: order.map { sds[$0] },
                           transitions: order.map { i in order.map { transitions[i][$0] } },
                           initial: order.map { initial[$0] })
        return (m, order)
    }

    /// Re-estimates the model from a level path (segmental k-means step): each level's mean
    /// and SD from its samples, transitions from counted jumps (plus ½ pseudo-count so that no
    /// jump becomes impossible). Levels with no samples keep their previous parameters.
    /// `guardSamples` samples at each end of every dwell are left out of the means and SDs: on
    /// a filtered record they lie on the rising or falling edge, and counting them biases the
    /// levels towards each other and inflates the noise (a level with no interior samples falls
    /// back to all of its samples).
    /// The SD is robust (1.4826 × the median absolute deviation of the interior samples, from an
    /// evenly spaced subsample of ≤ 2¹⁶ interior samples in all): brief events that never crossed half
    /// amplitude stay inside the runs as dips, and on a quiet record their squares would inflate
    /// the noise of the level they dip from several-fold — Viterbi then gives that level every
    /// edge sample and smooths brief events away.
    /// With `equalSpacing` the means are then projected onto μ_0 + k·A (weights n_k/σ_k²).
    func reestimated(from x: [Double], path: [UInt8], segments: [Range<Int>], minSD: Double,
                     equalSpacing: Bool = false, guardSamples: Int = 0) -> LevelModel {
        let k = count
        var n = [Double](repeating: 0, count: k), s = n, ss = n
        var nAll = n, sAll = n, ssAll = n
        var jumps = [Double](repeating: 0.5, count: k * k)
        var starts = [Double](repeating: 0.5, count: k)
        // Every `stride`-th interior sample per level, for the robust SD.
        let stride = max(1, x.count >> 16)
        var kept = [[Double]](repeating: [], count: k)
        var interiorIndex = 0
        for seg in segments where !seg.isEmpty {
            starts[Int(path[seg.lowerBound])] += 1
            var runStart = seg.lowerBound
            for t in seg {
                let l = Int(path[t])
                if t + 1 < seg.upperBound && path[t + 1] != path[t] { jumps[l * k + Int(path[t + 1])] += 1 }
                else if t + 1 < seg.upperBound { jumps[l * k + l] += 1 }
                guard t + 1 == seg.upperBound || path[t + 1] != path[t] else { continue }
                // A run [runStart, t] of level l ends here.
                for u in runStart...t {
                    nAll[l] += 1; sAll[l] += x[u]; ssAll[l] += x[u] * x[u]
                }
                let lo = runStart + guardSamples, hi = t - guardSamples
                if lo <= hi {
                    for u in lo...hi {
                        n[l] += 1; s[l] += x[u]; ss[l] += x[u] * x[u]
                        if interiorIndex % stride == 0 { kept[l].append(x[u]) }
                        interiorIndex += 1
                    }
                }
                runStart = t + 1
            }
        }
        for j in 0..<k where n[j] < 2 { n[j] = nAll[j]; s[j] = sAll[j]; ss[j] = ssAll[j] }
        var m = self
        for j in 0..<k where n[j] >= 2 {
            m.means[j] = s[j] / n[j]
            let rms = (max(0, ss[j] / n[j] - m.means[j] * m.means[j])).squareRoot()
            // The robust SD is 0 when most samples sit on one value (a flat, digitised level).
            let robust = kept[j].count >= 16 ? NoiseEstimate.robustSD(kept[j]) ?? 0 : 0
            m.sds[j] = max(minSD, robust > 0 ? robust : rms)
        }
        if equalSpacing && k >= 3 {
            m.means = GaussianMixture.latticeProjection(m.means, weights: (0..<k).map { n[$0] / (m.sds[$0] * m.sds[$0]) })
        }
        for i in 0..<k {
            let row = (0..<k).reduce(0) { $0 + jumps[i * k + $1] }
            m.transitions[i] = (0..<k).map { jumps[i * k + $0] / row }
        }
        let total = starts.reduce(0, +)
        m.initial = starts.map { $0 / total }
        return m
    }
}
