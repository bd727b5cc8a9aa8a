// Loading a ReactionNetwork from YAML (parsed by Yams; order of mappings is kept).
import Yams

extension ReactionNetwork {
    /// Parses a model in the PatchFit reaction-network YAML format:
    /// ```yaml
    /// name: channel3
    /// species: {C1: 1, C2: 0, O: 0}          # name: initial count (order = index order)
    /// parameters: {k12: 1000, k21: 500}      # name: value (> 0; optimised as log(value))
    /// reactions:
    ///   - {name: C1->C2, reactants: {C1: 1}, products: {C2: 1}, rate: k12}
    ///   - {reactants: {A: 2}, products: {A2: 1}, rate: kf}   # name defaults to r<index>
    /// ```
    /// A parameter may be written `{value: -0.02, scale: linear}` for a signed parameter.
    /// Empty `reactants`/`products` (or omitted) mean ∅. Every rate is mass action.
    /// - Throws: `KineticsError` naming the offending item: malformed YAML or missing sections,
    ///   unknown species or parameters, negative/zero/non-numeric rates, non-integer or negative
    ///   stoichiometry and initial counts, duplicate names.
    public init(yaml text: String) throws {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw KineticsError.malformedModel("YAML syntax error: \(error)")
        }
        guard let top = root?.mapping else { throw KineticsError.malformedModel("top level must be a mapping") }
        let name = top["name"]?.string ?? ""

        // MARK: Species
        guard let speciesNode = top["species"]?.mapping, !speciesNode.isEmpty else {
            throw KineticsError.malformedModel("missing or empty 'species' mapping (name: initial count)")
        }
        var speciesNames: [String] = [], initial: [Int] = []
        for (key, value) in speciesNode {
            guard let s = key.string else { throw KineticsError.malformedModel("species name must be a string") }
            guard let count = value.int, count >= 0 else {
                throw KineticsError.invalidInitialCount(species: s, value: value.string ?? "\(value)")
            }
            speciesNames.append(s); initial.append(count)
        }

        // MARK: Parameters
        var parameters: [RateParameter] = []
        for (key, value) in top["parameters"]?.mapping ?? [:] {
            guard let p = key.string else { throw KineticsError.malformedModel("parameter name must be a string") }
            if let number = value.float {
                guard number.isFinite, number > 0 else { throw KineticsError.invalidRate(parameter: p, value: number) }
                parameters.append(RateParameter(name: p, value: number))
            } else if let m = value.mapping, let number = m["value"]?.float {
                let scale: RateParameter.Scale = m["scale"]?.string == "linear" ? .linear : .log
                if let s = m["scale"]?.string, s != "linear" && s != "log" {
                    throw KineticsError.malformedModel("parameter '\(p)': scale must be 'log' or 'linear', got '\(s)'")
                }
                guard number.isFinite, scale == .linear || number > 0 else {
                    throw KineticsError.invalidRate(parameter: p, value: number)
                }
                parameters.append(RateParameter(name: p, value: number, scale: scale))
            } else {
                throw KineticsError.invalidRate(parameter: p, value: .nan)
            }
        }

        // MARK: Reactions
        guard let reactionNodes = top["reactions"]?.sequence, !reactionNodes.isEmpty else {
            throw KineticsError.malformedModel("missing or empty 'reactions' list")
        }
        var reactions: [Reaction] = []
        for (index, node) in reactionNodes.enumerated() {
            guard let r = node.mapping else { throw KineticsError.malformedModel("reaction #\(index) must be a mapping") }
            let rname = r["name"]?.string ?? "r\(index)"
            func terms(_ field: String) throws -> [StoichiometryTerm] {
                guard let side = r[field] else { return [] }
                if side.scalar?.string == "" || side.null != nil { return [] }
                guard let m = side.mapping else {
                    throw KineticsError.malformedModel("reaction '\(rname)': '\(field)' must be a mapping species: count")
                }
                return try m.map { key, value in
                    let s = key.string ?? ""
                    guard let idx = speciesNames.firstIndex(of: s) else {
                        throw KineticsError.unknownSpecies(reaction: rname, species: s)
                    }
                    guard let count = value.int, count >= 1 else {
                        throw KineticsError.invalidStoichiometry(reaction: rname, species: s, value: value.string ?? "\(value)")
                    }
                    return StoichiometryTerm(species: idx, count: count)
                }
            }
            let reactants = try terms("reactants"), products = try terms("products")
            guard let rateName = r["rate"]?.string else {
                throw KineticsError.malformedModel("reaction '\(rname)' needs 'rate: <parameter name>'")
            }
            guard let k = parameters.firstIndex(where: { $0.name == rateName }) else {
                throw KineticsError.unknownParameter(reaction: rname, parameter: rateName)
            }
            reactions.append(Reaction(name: rname, reactants: reactants, products: products, law: .massAction(parameter: k)))
        }
        try self.init(name: name, species: speciesNames, initialState: initial, parameters: parameters, reactions: reactions)
    }
}
