import PatchData

/// Conversions between a per-sample level path and a `DwellSequence`.
public enum LevelPath {
    /// Run-length encodes `path` into dwells, one segment per range of `segments`.
    /// - Parameters:
    ///   - samples: the (conditioned) current, used for each dwell's amplitude: the mean of its
    ///     samples minus `closedLevel` (so shut dwells have amplitude ≈ 0).
    ///   - classOf: maps a path value to the dwell's level (e.g. rank from the closed level).
    ///   - crossingCurrents: the current of each path value. When given, each transition is timed
    ///     where the record crosses halfway between the two levels, interpolated linearly between
    ///     the samples either side (the half-amplitude rule at sub-sample precision); otherwise, or
    ///     when those two samples do not straddle the halfway current, halfway between the samples.
    ///     Durations are then no longer whole numbers of samples, so a resolution imposed on them
    ///     keeps what missed-event theory assumes: no interval shorter than t_res.
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
        // Per segment: the runs' levels and mean currents, and their boundaries in samples.
        var values: [UInt8] = [], means: [Double] = [], boundaries: [Double] = [], interpolated: [Bool] = []
        for seg in segments where !seg.isEmpty {
            starts.append(dwells.count)
            values.removeAll(keepingCapacity: true); means.removeAll(keepingCapacity: true)
            boundaries = [Double(seg.lowerBound) - 0.5]; interpolated = [false]
            var runStart = seg.lowerBound
            var sum = 0.0
            for t in seg {
                sum += samples[t]
                let last = t + 1 == seg.upperBound
                if last || path[t + 1] != path[t] {
                    values.append(path[t])
                    means.append(sum / Double(t + 1 - runStart))
                    let f = last ? 0.5 : crossingFraction(samples[t], samples[t + 1], from: path[t], to: path[t + 1], crossingCurrents)
                    boundaries.append(Double(t) + (f ?? 0.5))
                    interpolated.append(f != nil)
                    runStart = t + 1
                    sum = 0
                }
            }
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

    /// Where between two consecutive samples `y0`, `y1` (0…1) the record crosses halfway from
    /// level `a` to level `b`; nil without currents or when the samples do not straddle it in
    /// the direction of the transition (the caller then takes ½, so every dwell stays longer
    /// than zero).
    @inline(__always)
    static func crossingFraction(_ y0: Double, _ y1: Double, from a: UInt8, to b: UInt8, _ currents: [Double]?) -> Double? {
        guard let currents else { return nil }
        let half = 0.5 * (currents[Int(a)] + currents[Int(b)])
        guard (y0 - half) * (y1 - half) < 0, (y1 - y0) * (currents[Int(b)] - currents[Int(a)]) > 0 else { return nil }
        return (half - y0) / (y1 - y0)
    }

    /// The level of every sample of a dwell sequence sampled every `sampleInterval` seconds
    /// (dwell boundaries rounded to the nearest sample; segments laid end to end).
    public static func levels(of sequence: DwellSequence, sampleInterval: Double) -> [Int] {
        var out: [Int] = []
        var time = 0.0
        for d in sequence.dwells {
            time += d.duration
            let end = Int((time / sampleInterval).rounded())
            while out.count < end { out.append(d.level) }
        }
        return out
    }
}
