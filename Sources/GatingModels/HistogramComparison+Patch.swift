import Foundation

extension HistogramComparison {
    /// One histogram per level of a multi-channel record (shut, 1 open, 2 open, …) against the
    /// apparent density of dwells at that level (`PatchMissedEvents`, exact unless asked),
    /// with the ideal pdf (τ = 0) drawn beside it. The intervals compared are those the SSA
    /// route compares (`ComparedDwells`: no cut-short first or last interval, no unusable one,
    /// no shut interval beyond t_crit), so both routes' R² read the same histograms.
    public static func comparisons(for record: PatchRecord, scheme: GatingScheme,
                                   correction: PatchMissedEvents.Correction = .exact) throws -> [HistogramComparison] {
        let patch = try ChannelPatch(try scheme.qMatrix(record.conditions), channels: record.channels)
        let apparent = try PatchMissedEvents(patch, resolution: record.resolution, correction: correction)
        let ideal = try PatchMissedEvents(patch, resolution: 0)
        let apparentEntry = try apparent.entryDistributions(), idealEntry = try ideal.entryDistributions()
        let tCrit = record.tCrit.isFinite ? record.tCrit : nil
        let kept = ComparedDwells.collect(record.dwells, tCrit: tCrit, channels: record.channels)
        let label = URL(fileURLWithPath: record.name).lastPathComponent
        var out: [HistogramComparison] = []
        for level in kept.durations.keys.sorted() {
            let name = level == 0 ? "\(label) shut" : "\(label) level \(level)"
            if let h = make(name: name, kind: level == 0 ? "shut" : "open", durations: kept.durations[level] ?? [],
                            resolution: record.resolution,
                            apparentDensity: apparent.apparentDensity(level: level, entry: apparentEntry[level]),
                            ideal: ideal.dwellTimePDF(level: level, entry: idealEntry[level]),
                            upperLimit: level == 0 ? tCrit : nil) {
                out.append(h)
            }
        }
        return out
    }
}
