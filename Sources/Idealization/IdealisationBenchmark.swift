import Foundation
import PatchData
import SignalProcessing

/// Speed measurements of the conditioning and idealisation kernels on a synthetic multi-level
/// telegraph record (fixed seed). Figures only; nothing here asserts a speed.
public enum IdealisationBenchmark {
    /// Returns human-readable result lines: Gaussian filter, threshold crossing, Viterbi at
    /// K = 2…6 levels, and one full SKM idealisation.
    public static func run(samples n: Int, repeats: Int) throws -> [String] {
        let dt = 1e-5
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var lines = ["record: \(n) samples at 100 kHz; \(cores) core(s); best of \(repeats)"]
        func best(_ body: () throws -> Void) rethrows -> Double {
            var t = Double.infinity
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                t = min(t, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
            return t
        }
        func rate(_ seconds: Double) -> String { String(format: "%.3g samples/s", Double(n) / seconds) }

        for k in 2...6 {
            let x = telegraph(n, levels: k, seed: UInt64(k))
            if k == 2 {
                let filter = GaussianFilter(cutoff: 5000)
                let t = try best { _ = try filter.apply(x, sampleInterval: dt) }
                lines.append("Gaussian filter (f_c 5 kHz): \(String(format: "%.3f", t)) s, \(rate(t))")
                let levels = [0.0, 1.0]
                let xf = x.map(Float.init)
                let tc = best { _ = ThresholdCrossing.classify(xf, levels: levels) }
                lines.append("threshold crossing (Float, 2 levels): \(String(format: "%.4f", tc)) s, \(rate(tc))")
                let td = best {
                    let path = ThresholdCrossing.classify(xf, levels: levels)
                    _ = LevelPath.dwells(path: path, samples: x, segments: [0..<n], sampleInterval: dt,
                                         closedLevel: 0, classOf: [0, 1], crossingCurrents: levels,
                                         provenance: Provenance(file: "", format: .synthetic))
                }
                lines.append("threshold crossing + dwell list: \(String(format: "%.4f", td)) s, \(rate(td))")
            }
            let model = LevelModel(means: (0..<k).map(Double.init), sds: [Double](repeating: 0.2, count: k), stay: 0.98)
            let tv = best { _ = model.viterbiPath(x) }
            lines.append("Viterbi K=\(k): \(String(format: "%.3f", tv)) s, \(rate(tv)) (\(String(format: "%.3g", Double(n) / tv / Double(cores))) per core)")
        }
        var settings = IdealisationSettings()
        settings.levelCount = 3
        settings.lineNoise = .off
        settings.baselineCorrection = false
        settings.openDirection = .up
        let x = telegraph(n, levels: 3, seed: 9)
        var iterations = 0
        let ts = try best { iterations = try Idealiser.idealise(samples: x, sampleInterval: dt, settings: settings).iterations }
        lines.append("full SKM idealisation K=3 (\(iterations) iterations): \(String(format: "%.3f", ts)) s, \(rate(ts))")
        return lines
    }

    /// k-level random telegraph (switching with probability 0.01 a sample) plus noise SD 0.2.
    static func telegraph(_ n: Int, levels k: Int, seed: UInt64) -> [Double] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func uniform() -> Double {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return (Double(state >> 11) + 1) / 9_007_199_254_740_992
        }
        var level = 0
        var x = [Double](repeating: 0, count: n)
        for i in 0..<n {
            if uniform() < 0.01 { level = min(k - 1, max(0, level + (uniform() < 0.5 ? -1 : 1))) }
            // Box–Muller.
            x[i] = Double(level) + 0.2 * (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
        }
        return x
    }
}
