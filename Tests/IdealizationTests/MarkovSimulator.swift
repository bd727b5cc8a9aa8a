import Foundation
import Idealization
import PatchData
import PatchFitTestSupport
import SignalProcessing

/// A test-local continuous-time Markov simulation of a gating scheme (exact: exponential
/// sojourns, jumps in proportion to the rates), rendered into a sampled record through the
/// Gaussian filter with white noise — the path an amplifier's output takes.
struct MarkovSimulator {
    /// Generator matrix Q (s⁻¹), rows sum to 0.
    var q: [[Double]]
    /// Whether each state is open.
    var open: [Bool]

    /// The true dwell sequence (one dwell per sojourn in a conductance class) over `duration` s,
    /// starting in `start`.
    func simulate(duration: Double, start: Int = 0, seed: UInt64) -> DwellSequence {
        var rng = TestRandom(seed: seed)
        var state = start, t = 0.0
        var dwells: [Dwell] = []
        while t < duration {
            let rate = -q[state][state]
            var sojourn = -log(rng.uniform()) / rate
            sojourn = min(sojourn, duration - t)
            let level = open[state] ? 1 : 0
            if let last = dwells.last, last.level == level {
                dwells[dwells.count - 1].duration += sojourn
            } else {
                dwells.append(Dwell(level: level, amplitude: Double(level), duration: sojourn))
            }
            t += sojourn
            var u = rng.uniform() * rate, next = state
            for j in q.indices where j != state {
                u -= q[state][j]
                next = j
                if u <= 0 { break }
            }
            state = next
        }
        return DwellSequence(dwells: dwells, provenance: Provenance(file: "", format: .synthetic))
    }

    /// Samples every `dt` s: the fraction of each sample interval spent open × `amplitude`,
    /// plus white noise, through a Gaussian filter at `cutoff` Hz; the noise is scaled so that
    /// its SD after the filter is `noiseSD`.
    static func render(_ seq: DwellSequence, dt: Double, amplitude: Double, cutoff: Double,
                       noiseSD: Double, seed: UInt64) throws -> [Double] {
        let n = Int(seq.totalDuration / dt)
        var x = [Double](repeating: 0, count: n)
        var t = 0.0
        for d in seq.dwells {
            let end = t + d.duration
            if d.isOpen {
                var i = Int(t / dt)
                while i < n && Double(i) * dt < end {
                    let lo = max(t, Double(i) * dt), hi = min(end, Double(i + 1) * dt)
                    x[i] += amplitude * (hi - lo) / dt
                    i += 1
                }
            }
            t = end
        }
        let filter = GaussianFilter(cutoff: cutoff)
        // Σh² = 1/(2√π σ) for σ in samples: white noise of SD s comes out as s·(Σh²)^½.
        let gain = (1 / (2 * Double.pi.squareRoot() * filter.sigma / dt)).squareRoot()
        var rng = TestRandom(seed: seed)
        for i in 0..<n { x[i] += noiseSD / gain * rng.normal() }
        return try filter.apply(x, sampleInterval: dt)
    }
}

/// Schemes used by the synthetic tests.
enum Schemes {
    /// C ⇌ O.
    static func twoState(opening: Double, closing: Double) -> MarkovSimulator {
        MarkovSimulator(q: [[-opening, opening], [closing, -closing]], open: [false, true])
    }

    /// C1 ⇌ C2 ⇌ O with the rates of ARCHITECTURE.md §3 (1000, 500, 2000, 800 s⁻¹).
    static let threeState = MarkovSimulator(
        q: [[-1000, 1000, 0], [500, -2500, 2000], [0, 800, -800]], open: [false, false, true])

    /// CH82 (Colquhoun & Hawkes 1982; REFERENCE.md §2) at agonist concentration `c` (M):
    /// states AR*, A2R* (open), AR, A2R, R.
    static func ch82(concentration c: Double) -> MarkovSimulator {
        let q: [[Double]] = [
            [0, 5e8 * c, 3000, 0, 0],
            [2.0 / 3.0, 0, 0, 500, 0],
            [15, 0, 0, 5e8 * c, 2000],
            [0, 15000, 4000, 0, 0],
            [0, 0, 1e8 * c, 0, 0],
        ]
        let full = q.enumerated().map { i, row in row.enumerated().map { j, v in i == j ? -row.reduce(0, +) : v } }
        return MarkovSimulator(q: full, open: [true, true, false, false, false])
    }
}

extension IdealisationSettings {
    /// Settings for a record rendered by `MarkovSimulator`: openings go up, and there is no mains
    /// interference or drift to remove. Callers choose the method and levels.
    static func renderedRecord(acquisitionCutoff: Double? = nil, resolution: Double) -> IdealisationSettings {
        var s = IdealisationSettings()
        s.openDirection = .up
        s.lineNoise = .off
        s.baselineCorrection = false
        s.acquisitionFilterCutoff = acquisitionCutoff
        s.resolution = resolution
        return s
    }
}
