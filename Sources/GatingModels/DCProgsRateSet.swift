/// One rate set of a DCPROGS `.mec` file, decoded field by field (layout: `DCProgsMechanismFile.swift`).
/// State and rate indices are 0-based here (the file's are 1-based); offsets are 0-based bytes
/// in the file. `GatingScheme(dcprogs:)` turns it into a scheme.
public struct DCProgsRateSet: Sendable, Equatable {
    /// A rate constant q(from, to) as stored, at the reference potential.
    public struct Rate: Sendable, Equatable {
        public let from: Int
        public let to: Int
        /// s⁻¹, or M⁻¹s⁻¹ when concentration-dependent.
        public let value: Double
        public let name: String
        /// Byte offset of the value (QT entry) in the file.
        public let offset: Int
    }
    /// A concentration-dependent rate: q(from, to) × concentration of ligand `ligand` (0-based).
    public struct Binding: Sendable, Equatable { public let from: Int, to: Int, ligand: Int, offset: Int }
    /// A voltage-dependent rate: q(V) = q(vref)·exp((V − vref)/h), h in mV.
    public struct VoltageDependence: Sendable, Equatable { public let from: Int, to: Int, h: Double, offset: Int }
    /// q(rate) = factor × q(of), both as (from, to) pairs (DCPROGS's nsetq relations).
    public struct RateRelation: Sendable, Equatable { public let rate: [Int], of: [Int], factor: Double, offset: Int }

    /// The list entry (index, numbers, titles, offset).
    public let entry: DCProgsMechanismFile.Entry
    public let version: Int
    /// State names, k of them: the kA open states first, then kB, kC, kD shut states.
    public let stateNames: [String]
    public let kA: Int, kB: Int, kC: Int, kD: Int
    /// Conductance of each open state (S).
    public let conductances: [Double]
    public let rates: [Rate]
    public let ligandNames: [String]
    public let bindings: [Binding]
    /// Each cycle as its steps (from, to); the first step's rate is set by microscopic reversibility.
    public let cycles: [[[Int]]]
    /// Byte offset of each cycle's first `im` entry.
    public let cycleOffsets: [Int]
    /// Potential (mV) at which the rates are given.
    public let referencePotential: Double
    public let voltageDependences: [VoltageDependence]
    /// Fast-equilibrium (KM) model, independent-subunit model, and the number of named rates.
    public let kmFast: Bool, independentSubunits: Bool, namedRateCount: Int
    public let relations: [RateRelation]
    /// Offsets of the kmfast and indmod flags (for errors).
    let flagOffsets: (kmfast: Int, indmod: Int)

    public static func == (a: DCProgsRateSet, b: DCProgsRateSet) -> Bool {
        a.entry == b.entry && a.stateNames == b.stateNames && a.rates == b.rates && a.bindings == b.bindings
            && a.cycles == b.cycles && a.voltageDependences == b.voltageDependences && a.relations == b.relations
            && a.conductances == b.conductances && a.referencePotential == b.referencePotential
    }

    // MARK: - Decoding

    init(decoding cursor: MECByteCursor, entry: DCProgsMechanismFile.Entry, version: Int) throws(DCProgsMechanismError) {
        var r = cursor
        let s = entry.offset
        let file = r.file
        self.entry = entry
        self.version = version
        r.position = s + 82
        let k = try r.nextCount("k", in: 2...100)
        kA = try r.nextCount("kA", in: 1...(k - 1))
        kB = try r.nextCount("kB", in: 0...(k - 1))
        kC = try r.nextCount("kC", in: 0...(k - 1))
        kD = try r.nextCount("kD", in: 0...(k - 1))
        guard kA + kB + kC + kD == k else {
            throw DCProgsMechanismError(.countOutOfRange, file: file, field: "kA+kB+kC+kD", offset: s + 86,
                                        reason: "\(kA)+\(kB)+\(kC)+\(kD) ≠ k = \(k)")
        }
        r.position = s + 176
        let ilast = try r.nextCount("ilast", in: 0...1000)
        let jlast = try r.nextCount("jlast", in: 0...1000)
        let nrateq = try r.nextCount("nrateq", in: 2...200)
        _ = try r.nextCount("ncon", in: 1...200)
        let ncdep = try r.nextCount("ncdep", in: 0...100)
        let nlig = try r.nextCount("nlig", in: 0...10)
        r.position += 8                                   // chardef, boundef: drawing flags
        let ncyc = try r.nextCount("ncyc", in: 0...50)
        let vrefAt = r.position
        referencePotential = try r.nextFloat32("vref")
        guard referencePotential.isFinite else {
            throw DCProgsMechanismError(.invalidValue, file: file, field: "vref", offset: vrefAt, reason: "\(referencePotential) mV is not finite")
        }
        let nvdep = try r.nextCount("nvdep", in: 0...100)
        flagOffsets = (r.position, r.position + 4)
        kmFast = try r.nextInt32("kmfast") != 0
        independentSubunits = try r.nextInt32("indmod") != 0
        namedRateCount = try r.nextCount("npar", in: 0...200)
        let nsetq = try r.nextCount("nsetq", in: 0...200)
        let kstat = try r.nextCount("kstat", in: 0...200)
        try r.skip(2 * ilast * jlast, "charmod")

        // Rates: from, to, value, names.
        var from: [Int] = [], to: [Int] = []
        for i in 0..<nrateq { from.append(try r.nextIndex("irate[\(i + 1)]", count: k, of: "state")) }
        for i in 0..<nrateq { to.append(try r.nextIndex("jrate[\(i + 1)]", count: k, of: "state")) }
        var values: [(Double, Int)] = []
        for i in 0..<nrateq {
            let at = r.position
            let v = try r.nextFloat64("QT[\(i + 1)]")
            guard v.isFinite else {
                throw DCProgsMechanismError(.invalidValue, file: file, field: "QT[\(i + 1)] = q(\(from[i] + 1),\(to[i] + 1))", offset: at,
                                            reason: "rate \(v) is not finite")
            }
            values.append((v, at))
        }
        var names: [String] = []
        for i in 0..<namedRateCount { names.append(try r.nextText(10, "titlep[\(i + 1)]")) }
        rates = (0..<nrateq).map { i in
            let name = i < names.count && !names[i].isEmpty ? names[i] : "q(\(from[i] + 1),\(to[i] + 1))"
            return Rate(from: from[i], to: to[i], value: values[i].0, name: name, offset: values[i].1)
        }
        let pairs = rates.map { [$0.from, $0.to] }
        func rateIndex(_ p: [Int], field: String, at: Int) throws(DCProgsMechanismError) -> [Int] {
            guard pairs.contains(p) else {
                throw DCProgsMechanismError(.invalidReference, file: file, field: field, offset: at,
                                            reason: "q(\(p[0] + 1),\(p[1] + 1)) is not one of the rates")
            }
            return p
        }

        // Ligands and concentration-dependent rates.
        var ligands: [String] = []
        for i in 0..<nlig { ligands.append(try r.nextText(20, "ligname[\(i + 1)]")) }
        ligandNames = ligands
        try r.skip(4 * k * nlig, "nbound")
        let cdepAt = r.position
        var ix: [Int] = [], jx: [Int] = [], il: [Int] = []
        for i in 0..<ncdep { ix.append(try r.nextIndex("ix[\(i + 1)]", count: k, of: "state")) }
        for i in 0..<ncdep { jx.append(try r.nextIndex("jx[\(i + 1)]", count: k, of: "state")) }
        for i in 0..<ncdep { il.append(try r.nextIndex("il[\(i + 1)]", count: nlig, of: "ligand")) }
        var b: [Binding] = []
        for i in 0..<ncdep {
            let p = try rateIndex([ix[i], jx[i]], field: "ix/jx[\(i + 1)]", at: cdepAt + 4 * i)
            b.append(Binding(from: p[0], to: p[1], ligand: il[i], offset: cdepAt + 8 * ncdep + 4 * i))
        }
        bindings = b

        // Open-state conductances.
        var g: [Double] = []
        for i in 0..<kA {
            let at = r.position
            let v = try r.nextFloat64("dgamma[\(i + 1)]")
            guard v.isFinite else {
                throw DCProgsMechanismError(.invalidValue, file: file, field: "dgamma[\(i + 1)]", offset: at, reason: "conductance \(v) S is not finite")
            }
            g.append(v)
        }
        conductances = g

        // Cycles: nsc, then all im, then all jm.
        var nsc: [Int] = []
        for i in 0..<ncyc { nsc.append(try r.nextCount("nsc[\(i + 1)]", in: 2...100)) }
        var im: [[Int]] = [], jm: [[Int]] = [], imAt: [Int] = [], jmAt: [Int] = []
        for c in 0..<ncyc {
            imAt.append(r.position)
            var row: [Int] = []
            for m in 0..<nsc[c] { row.append(try r.nextIndex("im[\(c + 1),\(m + 1)]", count: k, of: "state")) }
            im.append(row)
        }
        for c in 0..<ncyc {
            jmAt.append(r.position)
            var row: [Int] = []
            for m in 0..<nsc[c] { row.append(try r.nextIndex("jm[\(c + 1),\(m + 1)]", count: k, of: "state")) }
            jm.append(row)
        }
        var cyc: [[[Int]]] = []
        for c in 0..<ncyc {
            var steps: [[Int]] = []
            for m in 0..<nsc[c] { steps.append(try rateIndex([im[c][m], jm[c][m]], field: "im/jm[\(c + 1),\(m + 1)]", at: imAt[c] + 4 * m)) }
            // The steps go round the cycle: each ends where the next starts, the last where the first starts.
            for m in 0..<nsc[c] where steps[m][1] != steps[(m + 1) % nsc[c]][0] {
                throw DCProgsMechanismError(.invalidReference, file: file, field: "jm[\(c + 1),\(m + 1)]", offset: jmAt[c] + 4 * m,
                                            reason: "cycle \(c + 1) is not closed: step q(\(steps[m][0] + 1),\(steps[m][1] + 1)) is followed by q(\(steps[(m + 1) % nsc[c]][0] + 1),\(steps[(m + 1) % nsc[c]][1] + 1))")
            }
            cyc.append(steps)
        }
        cycles = cyc
        cycleOffsets = imAt

        // Voltage dependence.
        var iv: [Int] = [], jv: [Int] = [], vd: [VoltageDependence] = []
        let ivAt = r.position
        for i in 0..<nvdep { iv.append(try r.nextIndex("iv[\(i + 1)]", count: k, of: "state")) }
        for i in 0..<nvdep { jv.append(try r.nextIndex("jv[\(i + 1)]", count: k, of: "state")) }
        for i in 0..<nvdep {
            let at = r.position
            let h = try r.nextFloat32("hpar[\(i + 1)]")
            guard h.isFinite, h != 0 else {
                throw DCProgsMechanismError(.invalidValue, file: file, field: "hpar[\(i + 1)]", offset: at, reason: "H = \(h) mV is not finite and non-zero")
            }
            let p = try rateIndex([iv[i], jv[i]], field: "iv/jv[\(i + 1)]", at: ivAt + 4 * i)
            vd.append(VoltageDependence(from: p[0], to: p[1], h: h, offset: at))
        }
        voltageDependences = vd
        try r.skip(16 + 36, "pstar/kmcon")

        // Rates set as multiples of others (independent-subunit models).
        var q4: [[Int]] = [[], [], [], []]
        let setAt = r.position
        for (f, label) in ["ieq", "jeq", "ifq", "jfq"].enumerated() {
            for i in 0..<nsetq { q4[f].append(try r.nextIndex("\(label)[\(i + 1)]", count: k, of: "state")) }
        }
        var rel: [RateRelation] = []
        for i in 0..<nsetq {
            let at = r.position
            let f = try r.nextFloat32("efacq[\(i + 1)]")
            guard f.isFinite, f > 0 else {
                throw DCProgsMechanismError(.invalidValue, file: file, field: "efacq[\(i + 1)]", offset: at, reason: "factor \(f) is not finite and positive")
            }
            let a = try rateIndex([q4[0][i], q4[1][i]], field: "ieq/jeq[\(i + 1)]", at: setAt + 4 * i)
            let o = try rateIndex([q4[2][i], q4[3][i]], field: "ifq/jfq[\(i + 1)]", at: setAt + 8 * nsetq + 4 * i)
            rel.append(RateRelation(rate: a, of: o, factor: f, offset: at))
        }
        relations = rel

        // State names, then the six independent-subunit sizes.
        var sn: [String] = []
        for i in 0..<kstat { sn.append(try r.nextText(10, "statname[\(i + 1)]")) }
        stateNames = (0..<k).map { i in i < sn.count && !sn[i].isEmpty ? sn[i] : String(i + 1) }
        try r.skip(24, "nsub/kstat0/npar0/kcon/npar1/ncyc0")
        if version >= 200 {
            // Windows programs: connections, then the drawing (labels, colours, positions, window).
            let ncon = Int(try cursor.int32(at: s + 188, field: "ncon"))
            try r.skip(8 * ncon + k * (3 + 4 + 4 + 4) + 8, "ic/snumw/icolwin/wposx/wposy/nwidwin/nhghtwin")
        }
    }
}
