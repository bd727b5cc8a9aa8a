/// The file formats PatchFit reads or writes.
public enum FileFormat: String, Sendable, Codable, CaseIterable {
    /// Axon Binary Format, version 1 (magic "ABF ").
    case abf1
    /// Axon Binary Format, version 2 (magic "ABF2").
    case abf2
    /// Neurodata Without Borders 2.x in an HDF5 container.
    case nwb
    /// Delimited text trace (CSV, TSV, Axon ATF).
    case textTrace
    /// Raw little-endian samples (float32 or int16) without a header.
    case rawBinary
    /// DCPROGS SCAN idealised record (.scn; nAChR samples are named .DAT).
    case scan
    /// QuB idealised dwell-time text (.dwt).
    case dwt
    /// Clampfit single-channel event sheet (CSV export).
    case clampfitEvents
    /// PatchFit's own dwell CSV: `start_s,duration_s,level,amplitude_pA`.
    case dwellCSV
    /// Produced in memory (simulation) rather than read from disk.
    case synthetic

    /// Whether files of this format hold idealised intervals rather than samples.
    public var holdsDwells: Bool {
        switch self {
        case .scan, .dwt, .clampfitEvents, .dwellCSV: return true
        default: return false
        }
    }
}
