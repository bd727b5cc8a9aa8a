import Foundation

/// Reader for DCPROGS SCAN idealised records (`.scn`; the nAChR samples are named `.DAT`).
///
/// Layout (little-endian; facts from the DCPROGS `dcio` reader and checked against the files in
/// `../shared/data/scn`):
///
/// | offset | type        | field     | meaning |
/// |-------:|-------------|-----------|---------|
/// | 0      | int32       | iscanver  | 103 or 104 (real), −103 (simulated by SCSIM) |
/// | 4      | int32       | ioffset   | 1-based byte offset of the data block |
/// | 8      | int32       | nint      | number of intervals |
/// | 12     | char[70]    | title     | |
/// | 82     | char[11]    | date      | |
/// | *−103 only:* | | | |
/// | 93     | char[24]    | tapeID    | |
/// | 117    | int32       | ipatch    | patch type |
/// | 121    | float32     | Emem      | membrane potential, mV |
/// | 129    | float32     | avamp     | mean full amplitude (intermediate units) |
/// | 133    | float32     | rms       | |
/// | 137    | float32     | ffilt     | filter cut-off, Hz (−1 for simulated) |
/// | 141    | float32     | calfac2   | pA per amplitude unit |
/// | 145    | float32     | treso     | resolution imposed on openings, ms |
/// | 149    | float32     | tresg     | resolution imposed on gaps, ms |
/// | *103/104:* | | | |
/// | 131    | float32     | Emem      | mV |
/// | 135    | float32     | temper    | °C |
/// | 228    | float32     | srate     | Hz (unreliable in some v104 files) |
/// | 232    | float32     | finter    | µs between samples |
/// | 264    | float32     | avamp     | intermediate units |
/// | 268    | float32     | rms       | |
/// | 393    | float32     | ffilt     | filter cut-off, Hz (−3 dB) |
/// | 425    | float32     | calfac2   | pA per amplitude unit |
/// | 604    | int32       | nchan     | channels in the patch |
/// | 744    | float32     | conc1     | agonist concentration (may be 0) |
///
/// Data block at `ioffset − 1`: `float32 tint[nint]` (ms), `int16 iampl[nint]`
/// (× calfac2 → pA; 0 means shut), `int8 iprops[nint]` (bit flags, see `DwellFlags`).
/// Long-header files carry trailing bytes after `iprops`; they are ignored.
public enum ScanFile {
    /// The SCAN versions PatchFit reads.
    public static let supportedVersions: Set<Int32> = [103, 104, -103]

    /// Whether the first bytes are a known SCAN version number. (The 4-byte little-endian
    /// values 103, 104 and −103 contain NUL or 0xFF bytes, so no text file starts with them.)
    static func matches(_ head: [UInt8]) -> Bool {
        guard head.count >= 4 else { return false }
        let version = head.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: Int32.self)) }
        return supportedVersions.contains(version)
    }

    /// Reads a SCAN file.
    ///
    /// Open intervals (non-zero amplitude) get level 1 and keep their amplitude in pA: SCAN
    /// stores amplitudes, not conductance classes. Intervals with a non-positive duration are
    /// marked `.unusable` (SCAN's convention for "duration not measurable") with duration 0.
    /// For simulated (−103) files with a resolution in the header, `resolution` is set to it.
    public static func read(path: String) throws(PatchDataError) -> DwellSequence {
        try read(ByteReader(contentsOf: path))
    }

    static func read(_ r: ByteReader) throws(PatchDataError) -> DwellSequence {
        let version = try r.int32(at: 0, field: "iscanver")
        guard supportedVersions.contains(version) else {
            throw PatchDataError(.unsupported, file: r.file, field: "iscanver", offset: 0,
                                 reason: "SCAN version \(version) is not one of 103, 104, -103")
        }
        let ioffset = Int(try r.int32(at: 4, field: "ioffset"))
        let nint = Int(try r.int32(at: 8, field: "nint"))
        guard ioffset >= 94 else {
            throw PatchDataError(.invalidField, file: r.file, field: "ioffset", offset: 4,
                                 reason: "data offset \(ioffset) lies inside the header")
        }
        guard nint >= 0 else {
            throw PatchDataError(.invalidField, file: r.file, field: "nint", offset: 8,
                                 reason: "negative interval count \(nint)")
        }
        var meta: [String: String] = [
            "title": try r.text(at: 12, length: 70, field: "title"),
            "date": try r.text(at: 82, length: 11, field: "date"),
            "nint": String(nint),
        ]
        let calfac2: Float
        var resolution: Double?
        var sampleInterval: Double?
        if version == -103 {
            meta["Emem_mV"] = fmt(try r.float32(at: 121, field: "Emem"))
            meta["ffilt_Hz"] = fmt(try r.float32(at: 137, field: "ffilt"))
            calfac2 = try r.float32(at: 141, field: "calfac2")
            let treso = try r.float32(at: 145, field: "treso")
            let tresg = try r.float32(at: 149, field: "tresg")
            meta["treso_ms"] = fmt(treso)
            meta["tresg_ms"] = fmt(tresg)
            if treso.isFinite, tresg.isFinite, treso > 0, tresg > 0 { resolution = Double(min(treso, tresg)) * 1e-3 }
        } else {
            meta["Emem_mV"] = fmt(try r.float32(at: 131, field: "Emem"))
            meta["temperature_C"] = fmt(try r.float32(at: 135, field: "temper"))
            let finter = try r.float32(at: 232, field: "finter")
            if finter.isFinite, finter > 0 { sampleInterval = Double(finter) * 1e-6 }
            meta["ffilt_Hz"] = fmt(try r.float32(at: 393, field: "ffilt"))
            calfac2 = try r.float32(at: 425, field: "calfac2")
            meta["nchan"] = String(try r.int32(at: 604, field: "nchan"))
            meta["conc1"] = fmt(try r.float32(at: 744, field: "conc1"))
        }
        guard calfac2.isFinite, calfac2 != 0 else {
            throw PatchDataError(.invalidField, file: r.file, field: "calfac2",
                                 offset: version == -103 ? 141 : 425, reason: "amplitude calibration \(calfac2) is not usable")
        }
        meta["calfac2_pA"] = fmt(calfac2)

        let base = ioffset - 1
        try r.require(base, try r.byteCount(nint, of: 7, field: "nint", offset: 8), field: "interval data (nint × 7 bytes)")
        var dwells: [Dwell] = []
        dwells.reserveCapacity(nint)
        r.data.withUnsafeBytes { raw in
            for i in 0..<nint {
                let tint = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * i, as: UInt32.self)))
                let iampl = Int16(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * nint + 2 * i, as: Int16.self))
                var flags = DwellFlags(rawValue: raw.load(fromByteOffset: base + 6 * nint + i, as: UInt8.self) & 0x0F)
                var duration = Double(tint) * 1e-3
                if !(duration > 0) || !duration.isFinite {
                    flags.insert(.unusable)
                    duration = 0
                }
                let amplitude = Double(iampl) * Double(calfac2)
                dwells.append(Dwell(level: iampl == 0 ? 0 : 1, amplitude: amplitude, duration: duration, flags: flags))
            }
        }
        return DwellSequence(dwells: dwells, resolution: resolution, sampleInterval: sampleInterval,
                             provenance: Provenance(file: r.file, format: .scan, formatVersion: String(version), metadata: meta))
    }

    private static func fmt(_ x: Float) -> String { String(describing: x) }
}
