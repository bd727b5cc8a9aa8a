import Foundation

// A DCPROGS rate set as a GatingScheme. What maps to what:
// - states: the file's order (kA open first); an open state's conductance class numbers the
//   distinct conductances in order of appearance (equal conductances share a class), its
//   amplitude is the current at the file's reference potential, γ·(vref − reversal);
//   shut states are class 0. Long-lived states: the kC and kD states (DCPROGS's "C" and "D"
//   sets: shut states outside bursts); when kB = 0 (old files put every shut state in C) our
//   default rule (shut states with no direct route to an open state) is used instead.
// - rates: names and values as stored; concentration-dependent rates (ix, jx) are
//   `agonist: true`; voltage-dependent ones q(V) = q(vref)·exp((V − vref)/H) become
//   `voltage: 1/H` (V⁻¹) with the value re-expressed at 0 V, q(0) = q(vref)·exp(−vref/H).
// - each cycle's first step is its microscopic-reversibility rate (DCPROGS MICSET); its rate law
//   is the one the cycle implies (DCPROGS recomputes it after applying concentration and
//   voltage), and no other cycle is closed automatically (as in DCPROGS).
// - nsetq relations become `proportional` constraints.
// Not expressible, so a typed error: KM fast-equilibrium models (kmfast), independent-subunit
// models (indmod, npar < nrateq), rates depending on a second ligand, and a cycle whose
// dependent rate would depend on the square (or inverse) of the concentration.

extension GatingScheme {
    // MARK: - Paths

    /// Splits `path` into a `.mec` file and an optional rate-set number (`file.mec#N`), or
    /// returns nil when the path is not a `.mec`/`.MEC` file (then it is read as YAML).
    /// A `#` suffix that is not a positive integer gives rate set 0, which no file has.
    public static func mecSource(_ path: String) -> (file: String, rateSet: Int?)? {
        func isMEC(_ p: String) -> Bool { (p as NSString).pathExtension.lowercased() == "mec" }
        if let hash = path.lastIndex(of: "#") {
            let file = String(path[..<hash])
            if isMEC(file) { return (file, Int(path[path.index(after: hash)...]) ?? 0) }
        }
        return isMEC(path) ? (path, nil) : nil
    }

    /// Loads one rate set of a DCPROGS `.mec` file.
    /// - Parameters:
    ///   - rateSet: 1-based, in the order DCPROGS lists them; nil is allowed only when the
    ///     file holds a single rate set.
    ///   - reversalPotential: volts; sets the open states' amplitudes γ·(vref − reversal).
    /// - Throws: `DCProgsMechanismError` (`rateSetRequired` listing the choices,
    ///   `unknownRateSet`, every decoding error, `unsupported`), and the validation errors of
    ///   `GatingScheme.init` (`GatingModelsError`).
    public init(mecFile path: String, rateSet: Int? = nil, reversalPotential: Double = 0) throws {
        let file = try DCProgsMechanismFile(contentsOf: path)
        let index: Int
        if let rateSet { index = rateSet } else {
            guard file.rateSets.count == 1 else {
                throw DCProgsMechanismError(.rateSetRequired, file: path, field: "rate set",
                                            reason: "the file holds \(file.rateSets.count) rate sets; choose one as \(path)#N: \(file.choices)")
            }
            index = 1
        }
        try self.init(dcprogs: try file.rateSet(index), file: path, reversalPotential: reversalPotential)
    }

    // MARK: - Conversion

    /// The scheme a decoded rate set describes (mapping in the comment above).
    /// - Throws: `DCProgsMechanismError` (`unsupported`, `invalidValue` for a rate that is
    ///   not positive, `invalidReference` for a cycle step without its reverse rate), and the
    ///   validation errors of `GatingScheme.init`.
    public init(dcprogs set: DCProgsRateSet, file: String, reversalPotential: Double = 0) throws {
        func fail(_ kind: DCProgsMechanismError.Kind, _ field: String, _ offset: Int?, _ reason: String) -> DCProgsMechanismError {
            DCProgsMechanismError(kind, file: file, field: field + " (rate set \(set.entry.index))", offset: offset, reason: reason)
        }
        guard !set.kmFast else {
            throw fail(.unsupported, "kmfast", set.flagOffsets.kmfast, "KM fast-equilibrium models (rates out of state 1 scaled by pstar) cannot be expressed as a GatingScheme")
        }
        guard !set.independentSubunits, set.namedRateCount == set.rates.count else {
            throw fail(.unsupported, "indmod", set.flagOffsets.indmod,
                       "independent-subunit models (npar = \(set.namedRateCount) basic rates for \(set.rates.count) rates in Q) are not supported")
        }
        if let second = set.bindings.first(where: { $0.ligand != set.bindings[0].ligand }) {
            throw fail(.unsupported, "il", second.offset, "rates depend on more than one ligand; a GatingScheme has one agonist concentration")
        }
        guard reversalPotential.isFinite else { throw GatingModelsError.invalidArgument(name: "reversalPotential", reason: "not finite") }

        // States and conductance classes.
        var distinct: [Double] = []
        var states: [GatingState] = []
        for (i, name) in set.stateNames.enumerated() {
            guard i < set.kA else { states.append(GatingState(name: name, conductanceClass: 0)); continue }
            let g = set.conductances[i]
            if !distinct.contains(g) { distinct.append(g) }
            let pA = g * (set.referencePotential / 1000 - reversalPotential) * 1e12
            states.append(GatingState(name: name, conductanceClass: (distinct.firstIndex(of: g) ?? 0) + 1, amplitude: pA))
        }

        // Rate laws as stored.
        let pairs = set.rates.map { [$0.from, $0.to] }
        var agonist = set.rates.map { r in set.bindings.contains { $0.from == r.from && $0.to == r.to } }
        var volts = [Double](repeating: 0, count: set.rates.count)    // V⁻¹
        for v in set.voltageDependences {
            guard let i = pairs.firstIndex(of: [v.from, v.to]) else { continue }
            volts[i] += 1000 / v.h
        }

        // Microscopic reversibility: the cycle's first step, with the law the cycle implies.
        var constraints: [RateConstraint] = []
        var dependent = Set<Int>()
        for (c, steps) in set.cycles.enumerated() {
            var forward: [Int] = [], reverse: [Int] = []
            for (m, s) in steps.enumerated() {
                guard let ahead = pairs.firstIndex(of: s), let back = pairs.firstIndex(of: [s[1], s[0]]) else {
                    throw fail(.invalidReference, "im/jm[\(c + 1),\(m + 1)]", set.cycleOffsets[c] + 4 * m,
                               "cycle step q(\(s[0] + 1),\(s[1] + 1)) or its reverse q(\(s[1] + 1),\(s[0] + 1)) is not a rate")
                }
                forward.append(ahead)
                reverse.append(back)
            }
            let d = forward[0]
            var n = agonist[reverse[0]] ? 1 : 0
            var v = volts[reverse[0]]
            for m in 1..<steps.count {
                n += (agonist[reverse[m]] ? 1 : 0) - (agonist[forward[m]] ? 1 : 0)
                v += volts[reverse[m]] - volts[forward[m]]
            }
            guard n == 0 || n == 1 else {
                throw fail(.unsupported, "im/jm[\(c + 1),1]", set.cycleOffsets[c],
                           "microscopic reversibility makes \(set.rates[d].name) proportional to concentration^\(n)")
            }
            agonist[d] = n == 1
            volts[d] = v
            dependent.insert(d)
            constraints.append(.microscopicReversibility(rate: set.rates[d].name))
        }
        for rel in set.relations {
            guard let a = pairs.firstIndex(of: rel.rate), let o = pairs.firstIndex(of: rel.of) else { continue }
            constraints.append(.proportional(rate: set.rates[a].name, of: set.rates[o].name, factor: rel.factor))
        }

        // Transitions, values re-expressed at 0 V.
        var transitions: [Transition] = []
        for (i, r) in set.rates.enumerated() {
            var value = r.value
            if value <= 0 {
                // A rate set by microscopic reversibility is recomputed, whatever is stored.
                guard dependent.contains(i) else {
                    throw fail(.invalidValue, "QT[\(i + 1)] = \(r.name)", r.offset, "rate \(value) is not positive")
                }
                value = 1
            }
            value *= exp(-volts[i] * set.referencePotential / 1000)
            transitions.append(Transition(name: r.name, from: r.from, to: r.to, value: value,
                                          law: RateLaw(agonistDependent: agonist[i], voltageCoefficient: volts[i])))
        }
        let longLived = set.kB > 0 ? Array(set.stateNames[(set.kA + set.kB)...]) : nil
        let title = set.entry.mechanismTitle.isEmpty ? set.entry.rateSetTitle : set.entry.mechanismTitle
        try self.init(name: title.isEmpty ? "mechanism \(set.entry.mechanismNumber)" : title, states: states,
                      transitions: transitions, constraints: constraints,
                      enforceMicroscopicReversibility: false, longLivedStates: longLived)
    }
}
