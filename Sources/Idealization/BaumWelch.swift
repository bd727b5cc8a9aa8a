import Foundation

/// Maximum-likelihood re-estimation of a `LevelModel` by Baum–Welch (EM with the scaled
/// forward–backward recursions of Rabiner 1989, eqs. 92–111).
///
/// Unlike segmental k-means, which counts only the single best path, it weighs every path by
/// its probability, so brief events the Viterbi path misses still inform the rates. It stores
/// n×K forward variables, so on long records it estimates from the first `maxSamples` samples
/// (default 2^18, ~2.6 s at 100 kHz) and the caller decodes the whole record afterwards.
enum BaumWelch {
    static func fit(_ x: [Double], model start: LevelModel, segments: [Range<Int>],
                    iterations: Int, minSD: Double, maxSamples: Int = 1 << 18) -> (LevelModel, logLikelihood: Double) {
        var model = start
        let k = model.count
        // Clip the segments to the first maxSamples samples.
        var used: [Range<Int>] = [], budget = maxSamples
        for seg in segments where budget > 0 && !seg.isEmpty {
            let len = min(seg.count, budget)
            used.append(seg.lowerBound..<(seg.lowerBound + len)); budget -= len
        }
        var lastLL = -Double.infinity
        for _ in 0..<max(1, iterations) {
            var gammaSum = [Double](repeating: 0, count: k), gx = gammaSum, gxx = gammaSum
            var xiSum = [Double](repeating: 0, count: k * k)
            var startSum = [Double](repeating: 0, count: k)
            var ll = 0.0
            for seg in used {
                let n = seg.count
                var alpha = [Double](repeating: 0, count: n * k)
                var beta = [Double](repeating: 0, count: n * k)
                var scale = [Double](repeating: 0, count: n)
                var emit = [Double](repeating: 0, count: n * k)
                for t in 0..<n {
                    let v = x[seg.lowerBound + t]
                    for j in 0..<k {
                        let z = (v - model.means[j]) / model.sds[j]
                        emit[t * k + j] = exp(-0.5 * z * z) / model.sds[j] + 1e-300
                    }
                }
                // Forward.
                for j in 0..<k { alpha[j] = model.initial[j] * emit[j] }
                for t in 0..<n {
                    if t > 0 {
                        for j in 0..<k {
                            var s = 0.0
                            for i in 0..<k { s += alpha[(t - 1) * k + i] * model.transitions[i][j] }
                            alpha[t * k + j] = s * emit[t * k + j]
                        }
                    }
                    var c = 0.0
                    for j in 0..<k { c += alpha[t * k + j] }
                    c = max(c, 1e-300)
                    scale[t] = c
                    for j in 0..<k { alpha[t * k + j] /= c }
                    ll += log(c)
                }
                // Backward (scaled by the same constants).
                for j in 0..<k { beta[(n - 1) * k + j] = 1 }
                if n > 1 {
                    for t in stride(from: n - 2, through: 0, by: -1) {
                        for i in 0..<k {
                            var s = 0.0
                            for j in 0..<k { s += model.transitions[i][j] * emit[(t + 1) * k + j] * beta[(t + 1) * k + j] }
                            beta[t * k + i] = s / scale[t + 1]
                        }
                    }
                }
                for t in 0..<n {
                    let v = x[seg.lowerBound + t]
                    for j in 0..<k {
                        let g = alpha[t * k + j] * beta[t * k + j]
                        gammaSum[j] += g; gx[j] += g * v; gxx[j] += g * v * v
                        if t == 0 { startSum[j] += g }
                    }
                    if t + 1 < n {
                        for i in 0..<k {
                            let ai = alpha[t * k + i] / scale[t + 1]
                            for j in 0..<k {
                                xiSum[i * k + j] += ai * model.transitions[i][j] * emit[(t + 1) * k + j] * beta[(t + 1) * k + j]
                            }
                        }
                    }
                }
            }
            for j in 0..<k where gammaSum[j] > 1 {
                model.means[j] = gx[j] / gammaSum[j]
                model.sds[j] = max(minSD, max(0, gxx[j] / gammaSum[j] - model.means[j] * model.means[j]).squareRoot())
            }
            for i in 0..<k {
                let row = (0..<k).reduce(0) { $0 + xiSum[i * k + $1] } + 1e-12 * Double(k)
                model.transitions[i] = (0..<k).map { (xiSum[i * k + $0] + 1e-12) / row }
            }
            let total = startSum.reduce(0, +) + 1e-12 * Double(k)
            model.initial = startSum.map { ($0 + 1e-12) / total }
            let converged = abs(ll - lastLL) <= 1e-7 * abs(ll)
            lastLL = ll
            if converged { break }
        }
        return (model, lastLL)
    }
}
