import PatchData

/// Conversions between a per-sample level path and a `DwellSequence`.
public enum LevelPath {
    /// Run-length encodes `path` into dwells, one segment per range of `segments`.
    /// - Parameters:
    ///   - samples: the (conditioned) current, used for each dwell's amplitude: the mean of its
    ///     samples minus `closedLevel` (so shut dwells have amplitude ≈ 0).
    ///   - classOf: maps a path value to the dwell's level (e.g. rank from the closed level).
    public static func dwells(path: [UInt8], samples: [Double], segments: [Range<Int>],
                              sampleInterval: Double, closedLevel: Double, classOf: [Int],
                              provenance: Provenance) -> DwellSequence {
        var dwells: [Dwell] = []
        var starts: [Int] = []
        dwells.reserveCapacity(path.count / 8)
        for seg in segments where !seg.isEmpty {
            starts.append(dwells.count)
            var runStart = seg.lowerBound
            var sum = 0.0
            for t in seg {
                sum += samples[t]
                let last = t + 1 == seg.upperBound
                if last || path[t + 1] != path[t] {
                    let n = t + 1 - runStart
                    dwells.append(Dwell(level: classOf[Int(path[t])], amplitude: sum / Double(n) - closedLevel,
                                        duration: Double(n) * sampleInterval))
                    runStart = t + 1
                    sum = 0
                }
            }
        }
        return DwellSequence(dwells: dwells, segmentStarts: starts, sampleInterval: sampleInterval, provenance: provenance)
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
