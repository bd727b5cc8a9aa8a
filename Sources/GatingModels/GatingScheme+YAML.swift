import Foundation
import PatchData
import Yams

// Scheme files (Data/schemes/*.yaml):
//
//   name: CH82
//   description: free text
//   states:                       # order = order of Q's rows
//     - {name: "AR*", class: 1, amplitude: 5.0}     # class 0 = shut, k > 0 = open class k
//   rates:
//     - {name: beta1, from: AR, to: "AR*", value: 15}
//     - {name: k_plus1, from: R, to: AR, value: 1.0e8, agonist: true}   # × concentration (M)
//     - {name: alpha, from: O, to: C, value: 500, voltage: 4.0}          # × exp(4.0 V⁻¹ · V)
//   constraints:
//     - {rate: k_star_plus2, type: fixed}
//     - {rate: k_minus2, type: proportional, of: k_minus1, factor: 2}
//     - {rate: k_star_minus2, type: microscopic_reversibility}
//   microscopic_reversibility: true   # close every other cycle automatically (default true)
//   long_lived: [R]                   # shut states that end bursts (default: not next to an open state)

extension GatingScheme {
    // MARK: - Reading

    /// Loads a scheme from a YAML file, or from a DCPROGS `.mec`/`.MEC` file (`file.mec` when it
    /// holds one rate set, `file.mec#N` for rate set N; see `init(mecFile:rateSet:)`).
    /// - Throws: `schemeFile` naming the file, for a file that cannot be read, does not parse or
    ///   fails a check of `init(yaml:)` (its message is the reason); `DCProgsMechanismError` for
    ///   `.mec` files.
    public init(contentsOf path: String) throws {
        if let mec = Self.mecSource(path) {
            try self.init(mecFile: mec.file, rateSet: mec.rateSet)
            return
        }
        let text: String
        do { text = try FileContents.text(path) } catch {
            throw GatingModelsError.schemeFile(path: path, reason: error.detail)
        }
        do { try self.init(yaml: text) } catch let e as GatingModelsError {
            // Every mistake names the file, so that a batch's log says which scheme to fix.
            if case .schemeFile(_, let reason) = e { throw GatingModelsError.schemeFile(path: path, reason: reason) }
            throw GatingModelsError.schemeFile(path: path, reason: e.description)
        }
    }

    /// Parses a scheme from YAML text (format above).
    /// - Throws: `schemeFile` for YAML syntax errors, `invalidSchemeField` for missing or
    ///   mistyped keys, and every validation error of `GatingScheme.init`.
    public init(yaml text: String) throws {
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch {
            throw GatingModelsError.schemeFile(path: "<yaml>", reason: "not valid YAML: \(error)")
        }
        guard let doc = root as? [String: Any] else {
            throw GatingModelsError.invalidSchemeField(field: "(document)", reason: "expected a mapping at the top level")
        }
        let name = (doc["name"] as? String) ?? "scheme"
        guard let stateList = doc["states"] as? [[String: Any]] else {
            throw GatingModelsError.invalidSchemeField(field: "states", reason: "expected a list of mappings")
        }
        var states: [GatingState] = []
        for (k, s) in stateList.enumerated() {
            guard let n = Self.string(s["name"]) else {
                throw GatingModelsError.invalidSchemeField(field: "states[\(k)].name", reason: "missing")
            }
            guard let cls = s["class"] as? Int else {
                throw GatingModelsError.invalidSchemeField(field: "states[\(k)].class", reason: "expected an integer (0 = shut)")
            }
            let amp = try Self.number(s["amplitude"], field: "states[\(k)].amplitude") ?? 0
            states.append(GatingState(name: n, conductanceClass: cls, amplitude: amp))
        }
        guard let rateList = doc["rates"] as? [[String: Any]] else {
            throw GatingModelsError.invalidSchemeField(field: "rates", reason: "expected a list of mappings")
        }
        var transitions: [Transition] = []
        for (k, r) in rateList.enumerated() {
            guard let n = Self.string(r["name"]) else { throw GatingModelsError.invalidSchemeField(field: "rates[\(k)].name", reason: "missing") }
            guard let f = Self.string(r["from"]), let t = Self.string(r["to"]) else {
                throw GatingModelsError.invalidSchemeField(field: "rates[\(k)]", reason: "rate '\(n)' needs 'from' and 'to'")
            }
            guard let fi = states.firstIndex(where: { $0.name == f }) else { throw GatingModelsError.unknownState(f) }
            guard let ti = states.firstIndex(where: { $0.name == t }) else { throw GatingModelsError.unknownState(t) }
            guard let v = try Self.number(r["value"], field: "rates[\(k)].value") else {
                throw GatingModelsError.invalidSchemeField(field: "rates[\(k)].value", reason: "rate '\(n)' has no value")
            }
            let agonist = (r["agonist"] as? Bool) ?? false
            let volt = try Self.number(r["voltage"], field: "rates[\(k)].voltage") ?? 0
            transitions.append(Transition(name: n, from: fi, to: ti, value: v,
                                          law: RateLaw(agonistDependent: agonist, voltageCoefficient: volt)))
        }
        var constraints: [RateConstraint] = []
        for (k, c) in ((doc["constraints"] as? [[String: Any]]) ?? []).enumerated() {
            guard let rate = Self.string(c["rate"]), let type = c["type"] as? String else {
                throw GatingModelsError.invalidSchemeField(field: "constraints[\(k)]", reason: "needs 'rate' and 'type'")
            }
            switch type {
            case "fixed": constraints.append(.fixed(rate: rate))
            case "proportional":
                guard let of = Self.string(c["of"]), let factor = try Self.number(c["factor"], field: "constraints[\(k)].factor") else {
                    throw GatingModelsError.invalidSchemeField(field: "constraints[\(k)]", reason: "proportional needs 'of' and 'factor'")
                }
                constraints.append(.proportional(rate: rate, of: of, factor: factor))
            case "microscopic_reversibility", "mr": constraints.append(.microscopicReversibility(rate: rate))
            default:
                throw GatingModelsError.invalidSchemeField(field: "constraints[\(k)].type", reason: "'\(type)' is not fixed, proportional or microscopic_reversibility")
            }
        }
        let mr = (doc["microscopic_reversibility"] as? Bool) ?? true
        let longLived = (doc["long_lived"] as? [Any])?.compactMap { Self.string($0) }
        try self.init(name: name, states: states, transitions: transitions, constraints: constraints,
                      enforceMicroscopicReversibility: mr, longLivedStates: longLived)
    }

    private static func string(_ v: Any?) -> String? {
        switch v {
        case let s as String: return s
        case let i as Int: return String(i)
        default: return nil
        }
    }

    private static func number(_ v: Any?, field: String) throws -> Double? {
        switch v {
        case nil: return nil
        case let d as Double: return d
        case let i as Int: return Double(i)
        case let s as String:
            // Allow simple fractions such as "2/3".
            let parts = s.split(separator: "/")
            if parts.count == 2, let a = Double(parts[0].trimmingCharacters(in: .whitespaces)),
               let b = Double(parts[1].trimmingCharacters(in: .whitespaces)), b != 0 { return a / b }
            if let d = Double(s) { return d }
            throw GatingModelsError.invalidSchemeField(field: field, reason: "'\(s)' is not a number")
        default: throw GatingModelsError.invalidSchemeField(field: field, reason: "expected a number")
        }
    }

    // MARK: - Writing

    /// The scheme as YAML in the format above, with the current rate constants
    /// (`init(yaml:)` of the result gives back the same scheme).
    public func yamlString(comment: String? = nil) -> String {
        var out = ""
        if let comment { out += comment.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)\n" }.joined() }
        out += "name: \(q(name))\nstates:\n"
        for s in states {
            out += "  - {name: \(q(s.name)), class: \(s.conductanceClass), amplitude: \(s.amplitude)}\n"
        }
        out += "rates:\n"
        for t in transitions {
            var line = "  - {name: \(q(t.name)), from: \(q(states[t.from].name)), to: \(q(states[t.to].name)), value: \(t.value)"
            if t.law.agonistDependent { line += ", agonist: true" }
            if t.law.voltageCoefficient != 0 { line += ", voltage: \(t.law.voltageCoefficient)" }
            out += line + "}\n"
        }
        let explicit = constraints
        if !explicit.isEmpty {
            out += "constraints:\n"
            for c in explicit {
                switch c {
                case let .fixed(r): out += "  - {rate: \(q(r)), type: fixed}\n"
                case let .proportional(r, of, f): out += "  - {rate: \(q(r)), type: proportional, of: \(q(of)), factor: \(f)}\n"
                case let .microscopicReversibility(r): out += "  - {rate: \(q(r)), type: microscopic_reversibility}\n"
                }
            }
        }
        out += "microscopic_reversibility: false\n"
        out += "long_lived: [\(longLivedStates.map { q(states[$0].name) }.joined(separator: ", "))]\n"
        return out
    }

    private func q(_ s: String) -> String {
        var e = "\""
        for ch in s {
            switch ch {
            case "\"": e += "\\\""
            case "\\": e += "\\\\"
            default: e.append(ch)
            }
        }
        return e + "\""
    }
}
