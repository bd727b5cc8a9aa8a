import Foundation
import PatchData

// MARK: - The DCPROGS `.mec` layout
//
// A `.mec` ("qmechs") file is written by D. Colquhoun's Fortran programs (HJCFIT, SCALCS,
// SCSIM: subroutine WRITQM) with `access='TRANSPARENT'`: raw little-endian bytes, no record
// markers. Integers and logicals are int32 (logical: 0 false, non-zero true), `real*4` float32,
// `real*8` float64, `character*n` n bytes (blank- or NUL-padded, Latin-1). Fortran positions
// are 1-based; the offsets below are 0-based. Sources of the facts: the field list in the
// comment block of DCPROGS/DCFORTRAN `Fort90/CALC/WRITQM.FOR`, the reader in DCPROGS/DCPYPS
// `dcpyps/dcio.py` (`mec_get_list`, `mec_load`), and decoding both files in
// `../shared/data/mechanisms` byte by byte (each record ends exactly where the layout says).
//
// File header
// | offset | type          | field     | meaning                                                     |
// |--------|---------------|-----------|-------------------------------------------------------------|
// | 0      | int32         | iver      | version: 102 (DOS), 103, ≥ 200 (Windows; extra tail below)  |
// | 4      | int32         | nrecs     | number of rate sets (records), 1…500                        |
// | 8      | int32         | nextrec   | 1-based byte where the next record would go (may be > EOF)  |
// | 12     | int32         | ireclast  | 1-based byte where the last written record starts           |
// | 16     | int32[nrecs]  | jstart    | 1-based start byte of each record (500 slots reserved)      |
//
// Record (offsets from its start s = jstart[i] − 1)
// | offset | type                 | field        | meaning                                        |
// |--------|----------------------|--------------|------------------------------------------------|
// | 0      | int32                | iver         | version again                                  |
// | 4      | int32                | imod         | mechanism number (several rate sets may share) |
// | 8      | char[74]             | mtitle       | mechanism title                                |
// | 82     | int32 ×5             | k kA kB kC kD| states; open (A) first, then B, C, D shut      |
// | 102    | char[74]             | rtitle       | title of this rate set                         |
// | 176    | int32 ×2             | ilast jlast  | rows, columns of the character diagram         |
// | 184    | int32                | nrateq       | number of rates in Q (= 2·ncon)                |
// | 188    | int32                | ncon         | number of connections                          |
// | 192    | int32                | ncdep        | concentration-dependent rates                  |
// | 196    | int32                | nlig         | ligands                                        |
// | 200    | logical ×2           | chardef boundef | diagram / nbound present                    |
// | 208    | int32                | ncyc         | cycles (microscopic reversibility)             |
// | 212    | float32              | vref         | potential (mV) at which the rates are given    |
// | 216    | int32                | nvdep        | voltage-dependent rates                        |
// | 220    | logical              | kmfast       | fast-equilibrium (KM) model                    |
// | 224    | logical              | indmod       | independent-subunit model (npar < nrateq)      |
// | 228    | int32                | npar         | basic rate constants (names stored)            |
// | 232    | int32                | nsetq        | rates set as multiples of others               |
// | 236    | int32                | kstat        | state names stored                             |
// | 240    | char[2]·ilast·jlast  | charmod      | character diagram, column-major                |
// | then   | int32[nrateq] ×2     | irate jrate  | 1-based from/to state of each rate             |
// |        | float64[nrateq]      | QT           | rate values (s⁻¹; M⁻¹s⁻¹ if concentration-dependent), at vref |
// |        | char[10]·npar        | titlep       | rate names                                     |
// |        | char[20]·nlig        | ligname      | ligand names                                   |
// |        | int32[k]·nlig        | nbound       | ligand molecules bound in each state           |
// |        | int32[ncdep] ×3      | ix jx il     | conc.-dependent rate q(ix,jx) × conc of ligand il |
// |        | float64[kA]          | dgamma       | conductance (S) of each open state             |
// |        | int32[ncyc]          | nsc          | states in each cycle                           |
// |        | int32[Σnsc] ×2       | im jm        | each cycle's steps q(im,jm); the first step is the rate set by microscopic reversibility (MICSET.FOR) |
// |        | int32[nvdep] ×2      | iv jv        | voltage-dependent rate q(iv,jv)                |
// |        | float32[nvdep]       | hpar         | H (mV): q(V) = q(vref)·exp((V − vref)/H) (QSETD.FOR, V1 = Vhold − Vref) |
// |        | float32[4]           | pstar        | KM occupancies (kmfast only)                   |
// |        | int32[9]             | kmcon        | KM indices (kmfast only)                       |
// |        | int32[nsetq] ×4      | ieq jeq ifq jfq | q(ieq,jeq) = efacq·q(ifq,jfq)               |
// |        | float32[nsetq]       | efacq        | factors                                        |
// |        | char[10]·kstat       | statname     | state names                                    |
// |        | int32 ×6             | nsub kstat0 npar0 kcon npar1 ncyc0 | independent-subunit sizes |
// | iver ≥ 200 only:                                                                              |
// |        | int32[2·ncon]        | ic           | connected state pairs                          |
// |        | char[3]·k            | snumw        | state labels of the drawing                    |
// |        | int32[k]             | icolwin      | drawing colour (open/shut)                     |
// |        | float32[k] ×2        | wposx wposy  | drawing positions                              |
// |        | int32 ×2             | nwidwin nhghtwin | drawing window size                        |
//
// Constraints between rates used in a fit (HJCFIT's neq, ie/je/if/jf/efac) and fixed rates
// live in the program's .ini file, not in the .mec file; only nsetq relations and the cycles are.

/// A DCPROGS `.mec` mechanism file: its version and the list of rate sets it holds.
///
/// Reading validates the header (version, record count, every record pointer inside the
/// file) and the identity fields of each record; `rateSet(_:)` then decodes one record in full.
public struct DCProgsMechanismFile: Sendable {
    /// One entry of the file's list of rate sets.
    public struct Entry: Sendable, Equatable {
        /// 1-based position in the file (the order DCPROGS lists them; `file.mec#index`).
        public let index: Int
        /// DCPROGS's mechanism number (several rate sets may belong to one mechanism).
        public let mechanismNumber: Int
        /// Title of the mechanism.
        public let mechanismTitle: String
        /// Title of this set of rate constants.
        public let rateSetTitle: String
        /// Number of states k.
        public let stateCount: Int
        /// 0-based byte offset of the record.
        public let offset: Int

        public init(index: Int, mechanismNumber: Int, mechanismTitle: String, rateSetTitle: String, stateCount: Int, offset: Int) {
            self.index = index
            self.mechanismNumber = mechanismNumber
            self.mechanismTitle = mechanismTitle
            self.rateSetTitle = rateSetTitle
            self.stateCount = stateCount
            self.offset = offset
        }
    }

    /// The path the file was read from (used in errors).
    public let path: String
    /// The version word (102, 103, or ≥ 200 for files written by the Windows programs).
    public let version: Int
    /// The rate sets, in file order.
    public let rateSets: [Entry]
    let bytes: [UInt8]

    /// Reads the file at `path`.
    /// - Throws: `DCProgsMechanismError` (`unreadable`, `truncated`, `badVersion`,
    ///   `countOutOfRange`, `pointerBeyondEnd`) naming the field and byte offset.
    public init(contentsOf path: String) throws(DCProgsMechanismError) {
        let data: Data
        do { data = try FileContents.bytes(path) } catch {
            throw DCProgsMechanismError(.unreadable, file: path, reason: error.reason)
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    /// Parses the bytes of a `.mec` file; `path` is only used in errors.
    public init(bytes: [UInt8], path: String) throws(DCProgsMechanismError) {
        self.path = path
        self.bytes = bytes
        let r = MECByteCursor(bytes: bytes, file: path)
        let version = Int(try r.int32(at: 0, field: "iver"))
        guard Self.knownVersions(version) else {
            throw DCProgsMechanismError(.badVersion, file: path, field: "iver", offset: 0,
                                        reason: "version \(version) is not a DCPROGS .mec version this reader knows (102, 103, 200–299)")
        }
        self.version = version
        let nrecs = Int(try r.int32(at: 4, field: "nrecs"))
        guard (1...500).contains(nrecs) else {
            throw DCProgsMechanismError(.countOutOfRange, file: path, field: "nrecs", offset: 4,
                                        reason: "\(nrecs) rate sets; DCPROGS stores 1 to 500")
        }
        let headerEnd = 16 + 4 * nrecs
        let ireclast = Int(try r.int32(at: 12, field: "ireclast"))
        guard ireclast > headerEnd, ireclast <= bytes.count else {
            throw DCProgsMechanismError(.pointerBeyondEnd, file: path, field: "ireclast", offset: 12,
                                        reason: "byte \(ireclast) is outside the records (\(headerEnd + 1)…\(bytes.count))")
        }
        var entries: [Entry] = []
        for i in 0..<nrecs {
            let at = 16 + 4 * i
            let start = Int(try r.int32(at: at, field: "jstart[\(i + 1)]"))
            guard start > headerEnd, start <= bytes.count else {
                throw DCProgsMechanismError(.pointerBeyondEnd, file: path, field: "jstart[\(i + 1)]", offset: at,
                                            reason: "record start byte \(start) is outside the records (\(headerEnd + 1)…\(bytes.count))")
            }
            let s = start - 1
            let recordVersion = Int(try r.int32(at: s, field: "iver (rate set \(i + 1))"))
            guard recordVersion == version else {
                throw DCProgsMechanismError(.badVersion, file: path, field: "iver (rate set \(i + 1))", offset: s,
                                            reason: "record version \(recordVersion) differs from the file's \(version): jstart[\(i + 1)] does not point at a record")
            }
            let number = Int(try r.int32(at: s + 4, field: "imod"))
            let mtitle = try r.text(at: s + 8, length: 74, field: "mtitle")
            let k = Int(try r.int32(at: s + 82, field: "k"))
            guard (2...100).contains(k) else {
                throw DCProgsMechanismError(.countOutOfRange, file: path, field: "k (rate set \(i + 1))", offset: s + 82,
                                            reason: "\(k) states; DCPROGS allows 2 to 100")
            }
            let rtitle = try r.text(at: s + 102, length: 74, field: "rtitle")
            entries.append(Entry(index: i + 1, mechanismNumber: number, mechanismTitle: mtitle,
                                 rateSetTitle: rtitle, stateCount: k, offset: s))
        }
        self.rateSets = entries
    }

    static func knownVersions(_ v: Int) -> Bool { v == 102 || v == 103 || (200...299).contains(v) }

    /// Decodes rate set `index` (1-based, as listed in `rateSets`).
    /// - Throws: `unknownRateSet` for an index outside 1…count, and every decoding error of
    ///   the record (truncation, counts out of range, bad references, non-finite values).
    public func rateSet(_ index: Int) throws(DCProgsMechanismError) -> DCProgsRateSet {
        guard let entry = rateSets.first(where: { $0.index == index }) else {
            throw DCProgsMechanismError(.unknownRateSet, file: path, field: "rate set",
                                        reason: "there is no rate set \(index); the file holds \(rateSets.count): \(choices)")
        }
        // A record must not run into the one stored after it (or past the end of the file).
        let limit = rateSets.map(\.offset).filter { $0 > entry.offset }.min() ?? bytes.count
        return try DCProgsRateSet(decoding: MECByteCursor(bytes: bytes, file: path, limit: limit),
                                  entry: entry, version: version)
    }

    /// The rate sets as "1: mechanism title / rate-set title (k states)" lines, for messages.
    public var choices: String {
        rateSets.map { "\($0.index) = mechanism \($0.mechanismNumber) '\($0.mechanismTitle)' / '\($0.rateSetTitle)' (\($0.stateCount) states)" }
            .joined(separator: "; ")
    }
}
