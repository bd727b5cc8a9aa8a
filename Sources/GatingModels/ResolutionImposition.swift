import PatchData

// Imposing a resolution (dead time) t_res on an idealised record, by the field's rules
// (Colquhoun & Sigworth 1995; DCPROGS): an interval shorter than t_res is merged into the
// preceding resolvable interval; a shut period lasts until the next resolvable opening; an
// open period lasts until a resolvable interval of a different level (its amplitude the
// duration-weighted mean of its openings). Deterministic. This lives here because the
// Idealization module's version is not on main yet; it can be swapped for that one.

extension DwellSequence {
    /// The record with resolution `tRes` imposed, segment by segment.
    ///
    /// Unresolvable intervals before the first resolvable one of a segment are dropped. An
    /// `.unusable` interval ends the current period and is kept as it is (it ends a group of
    /// openings in the likelihood). Durations are summed exactly; amplitudes of open periods
    /// are duration-weighted means of their open parts.
    /// - Throws: `GatingModelsError.invalidArgument` if tRes is not finite and ≥ 0.
    public func imposingResolution(_ tRes: Double) throws -> DwellSequence {
        guard tRes.isFinite, tRes >= 0 else {
            throw GatingModelsError.invalidArgument(name: "resolution", reason: "\(tRes) s must be finite and ≥ 0")
        }
        var out: [Dwell] = []
        var starts: [Int] = []
        for range in segmentRanges {
            let segmentStart = out.count
            var current: Dwell? = nil
            var openCharge = 0.0, openTime = 0.0
            func finish() {
                guard var c = current else { return }
                if c.isOpen, openTime > 0 { c.amplitude = openCharge / openTime }
                out.append(c)
                current = nil; openCharge = 0; openTime = 0
            }
            for i in range {
                let d = dwells[i]
                if d.flags.contains(.unusable) {
                    finish()
                    out.append(d)
                    continue
                }
                let resolvable = d.duration >= tRes
                guard var c = current else {
                    if resolvable {
                        current = d
                        if d.isOpen { openCharge = d.amplitude * d.duration; openTime = d.duration }
                    }
                    continue
                }
                let extend = !resolvable || (c.isOpen ? (d.isOpen && d.level == c.level) : !d.isOpen)
                if extend {
                    c.duration += d.duration
                    c.flags.formUnion(d.flags.subtracting(.unusable))
                    if d.isOpen { openCharge += d.amplitude * d.duration; openTime += d.duration }
                    current = c
                } else {
                    finish()
                    current = d
                    if d.isOpen { openCharge = d.amplitude * d.duration; openTime = d.duration }
                }
            }
            finish()
            if out.count > segmentStart { starts.append(segmentStart) }
        }
        return DwellSequence(dwells: out, segmentStarts: starts, resolution: tRes,
                             sampleInterval: sampleInterval, provenance: provenance)
    }
}
