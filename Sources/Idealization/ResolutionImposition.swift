import PatchData

/// Imposes a fixed resolution (dead time) on a dwell sequence with the field's deterministic
/// rule (Colquhoun & Sigworth 1995; HJCFIT's convention, REFERENCE.md §3):
/// - intervals before the first resolvable one in a segment are dropped;
/// - an interval shorter than `resolution` is merged into the preceding resolvable interval;
/// - a shut period lasts until the next resolvable opening (unresolvable openings and
///   resolvable shuttings inside it are absorbed);
/// - an open period lasts until a resolvable interval of a different level (a resolvable
///   shutting or a resolvable opening to another level); its amplitude is the
///   duration-weighted mean of the open intervals it absorbed.
/// No random choice is ever made. Flags are OR-ed over the merged intervals; an `unusable`
/// interval is never merged across (it stands as it is and ends the period before it), and
/// the unresolvable intervals right after it join it (like those at the start of a segment,
/// nothing resolvable tells what they belong to) — so every usable output interval is at
/// least `resolution` long.
public enum ResolutionImposition {
    /// - Throws: `IdealizationError.invalidSetting` for a resolution that is not finite and ≥ 0.
    public static func impose(_ sequence: DwellSequence, resolution: Double) throws -> DwellSequence {
        guard resolution.isFinite, resolution >= 0 else {
            throw IdealizationError.invalidSetting("resolution must be finite and ≥ 0 s, got \(resolution)")
        }
        var out: [Dwell] = []
        var starts: [Int] = []
        let d = sequence.dwells
        for range in sequence.segmentRanges {
            var i = range.lowerBound
            while i < range.upperBound && d[i].duration < resolution && !d[i].flags.contains(.unusable) { i += 1 }
            guard i < range.upperBound else { continue }
            starts.append(out.count)
            while i < range.upperBound {
                var current = d[i]
                var j = i + 1
                if current.flags.contains(.unusable) {
                    while j < range.upperBound && d[j].duration < resolution && !d[j].flags.contains(.unusable) {
                        current.duration += d[j].duration
                        j += 1
                    }
                    out.append(current); i = j; continue
                }
                var openCharge = current.isOpen ? current.amplitude * current.duration : 0
                var openTime = current.isOpen ? current.duration : 0
                while j < range.upperBound {
                    let next = d[j]
                    if next.flags.contains(.unusable) { break }
                    let resolvable = next.duration >= resolution
                    let absorb: Bool
                    if !current.isOpen {
                        absorb = !(next.isOpen && resolvable)
                    } else {
                        absorb = !resolvable || (next.isOpen && next.level == current.level)
                    }
                    guard absorb else { break }
                    current.duration += next.duration
                    current.flags.formUnion(next.flags)
                    if current.isOpen && next.isOpen {
                        openCharge += next.amplitude * next.duration
                        openTime += next.duration
                    }
                    j += 1
                }
                if current.isOpen && openTime > 0 { current.amplitude = openCharge / openTime }
                out.append(current)
                i = j
            }
        }
        return DwellSequence(dwells: out, segmentStarts: starts, resolution: resolution,
                             sampleInterval: sequence.sampleInterval, provenance: sequence.provenance)
    }
}
