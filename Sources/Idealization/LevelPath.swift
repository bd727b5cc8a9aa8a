import PatchData

/// A per-sample level path turned into a `DwellSequence`.
public enum LevelPath {
    /// Run-length encodes `path` into dwells, one segment per range of `segments`.
    /// - Parameters:
    ///   - samples: the (conditioned) current, used for each dwell's amplitude: the mean of its
    ///     samples minus `closedLevel` (so shut dwells have amplitude ≈ 0).
    ///   - classOf: maps a path value to the dwell's level (e.g. rank from the closed level).
    ///   - crossingCurrents: the current of each path value. When given, each transition is timed
    ///     where the record crosses halfway between the two levels, between the two samples that
    ///     straddle that current (`halfwayCrossing`: the half-amplitude rule at sub-sample
    ///     precision). The straddling pair is looked for within `crossingSearch` samples of the
    ///     path's transition — a Viterbi path with unequal level SDs puts it a sample or two off
    ///     the crossing — and never past the middle of either run, so boundaries stay in order.
    ///     Without currents, or with no straddling pair, halfway between the samples. Durations
    ///     are then no longer whole numbers of samples, so a resolution imposed on them keeps what
    ///     missed-event theory assumes: no interval shorter than t_res.
    ///   - filterSigma: σ (s) of the Gaussian filter the record went through; with
    ///     `crossingCurrents`, brief isolated events get their filter-corrected duration
    ///     (`FilterWidthCorrection`).
    public static func dwells(path: [UInt8], samples: [Double], segments: [Range<Int>],
                              sampleInterval: Double, closedLevel: Double, classOf: [Int],
                              crossingCurrents: [Double]? = nil, filterSigma: Double? = nil,
                              provenance: Provenance) -> DwellSequence {
        var dwells: [Dwell] = []
        var starts: [Int] = []
        dwells.reserveCapacity(path.count / 8)
        // Per segment: each run's level, first and last sample and mean current; then the
        // boundaries between runs in samples (sample t sits at t).
        var values: [UInt8] = [], firsts: [Int] = [], lasts: [Int] = [], means: [Double] = []
        var boundaries: [Double] = [], interpolated: [Bool] = []
        for seg in segments where !seg.isEmpty {
            starts.append(dwells.count)
            values.removeAll(keepingCapacity: true); firsts.removeAll(keepingCapacity: true)
            lasts.removeAll(keepingCapacity: true); means.removeAll(keepingCapacity: true)
            var runStart = seg.lowerBound
            var sum = 0.0
            for t in seg {
                sum += samples[t]
                if t + 1 == seg.upperBound || path[t + 1] != path[t] {
                    values.append(path[t]); firsts.append(runStart); lasts.append(t)
                    means.append(sum / Double(t + 1 - runStart))
                    runStart = t + 1
                    sum = 0
                }
            }
            boundaries = [Double(seg.lowerBound) - 0.5]; interpolated = [false]
            for i in 0..<(values.count - 1) {
                let crossing = crossingCurrents.flatMap { currents in
                    halfwayCrossing(samples, from: (values[i], firsts[i], lasts[i]), to: (values[i + 1], lasts[i + 1]), currents,
                                    within: seg)
                }
                boundaries.append(crossing ?? Double(lasts[i]) + 0.5)
                interpolated.append(crossing != nil)
            }
            boundaries.append(Double(seg.upperBound) - 0.5); interpolated.append(false)
            if let sigma = filterSigma, crossingCurrents != nil {
                FilterWidthCorrection.correct(boundaries: &boundaries, values: values, interpolated: interpolated,
                                              sigmaInSamples: sigma / sampleInterval)
            }
            for i in values.indices {
                dwells.append(Dwell(level: classOf[Int(values[i])], amplitude: means[i] - closedLevel,
                                    duration: (boundaries[i + 1] - boundaries[i]) * sampleInterval))
            }
        }
        return DwellSequence(dwells: dwells, segmentStarts: starts, sampleInterval: sampleInterval, provenance: provenance)
    }

    /// How far (samples) from the path's transition the half-amplitude crossing is looked for.
    static let crossingSearch = 2

    /// Where (in samples) the record crosses halfway from run A (level `a`, samples
    /// `firstA…lastA`) to the run B after it (level `b`, ending at `lastB`): the straddling pair
    /// (k, k + 1) nearest the path's transition (k = lastA first, then lastA − 1, lastA + 1, …),
    /// with k no earlier than A's middle and k + 1 no later than B's; nil if there is none.
    /// Between the pair the record is the cubic through samples k − 1…k + 2 (when `segment` holds
    /// them): a straight line would cut the rounded top of a brief filtered event and measure it
    /// short (−1.6 µs at 40 µs behind 5 kHz at 50 kHz; the cubic −0.3 µs).
    static func halfwayCrossing(_ y: [Double], from a: (level: UInt8, first: Int, last: Int), to b: (level: UInt8, last: Int),
                                _ currents: [Double], within segment: Range<Int>) -> Double? {
        let t = a.last
        let middleA = Double(a.first + a.last) / 2, middleB = Double(t + 1 + b.last) / 2
        let half = 0.5 * (currents[Int(a.level)] + currents[Int(b.level)])
        let rising = currents[Int(b.level)] > currents[Int(a.level)]
        for step in 0...(2 * crossingSearch) {
            let k = t + (step % 2 == 0 ? step / 2 : -(step + 1) / 2)
            guard Double(k) >= middleA, Double(k + 1) <= middleB else { continue }
            let y0 = y[k], y1 = y[k + 1]
            if rising ? (y0 < half && y1 > half) : (y0 > half && y1 < half) {
                guard k - 1 >= segment.lowerBound, k + 2 < segment.upperBound else { return Double(k) + (half - y0) / (y1 - y0) }
                return Double(k) + cubicCrossing(y[k - 1], y0, y1, y[k + 2], level: half)
            }
        }
        return nil
    }

    /// Where in (0, 1) the cubic through (−1, p), (0, q), (1, r), (2, u) takes `level`, given
    /// that q and r lie on either side of it (bisection to 2⁻³⁰ of a sample).
    static func cubicCrossing(_ p: Double, _ q: Double, _ r: Double, _ u: Double, level: Double) -> Double {
        func value(_ x: Double) -> Double {          // Lagrange form on the nodes −1, 0, 1, 2
            let a = x + 1, b = x - 1, c = x - 2
            return -p * x * b * c / 6 + q * a * b * c / 2 - r * a * x * c / 2 + u * a * x * b / 6
        }
        var lo = 0.0, hi = 1.0
        let risingAtLo = q < level
        for _ in 0..<30 {
            let mid = 0.5 * (lo + hi)
            if (value(mid) < level) == risingAtLo { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }
}
