// A validated reaction network: species, parameters, reactions and an initial state.

/// A chemical reaction network in the sense of Gillespie (1977): integer species counts
/// x ∈ ℕ^S, reactions j = 1…M with stoichiometry and propensity a_j(x; θ).
///
/// Parameters are optimised in the coordinates θ (`parameterCoordinates`): log(value) for
/// log-scale parameters, the value itself for linear ones. Construction validates everything
/// (names unique, indices in range, counts ≥ 0, rates > 0 and finite), so a simulator never
/// meets a malformed network.
public struct ReactionNetwork: Sendable {
    /// An optional human-readable name (from the model file).
    public var name: String
    /// Species names, in index order.
    public let species: [String]
    /// Initial counts x(0), one per species.
    public var initialState: [Int]
    /// Parameters with their current values.
    public var parameters: [RateParameter]
    /// The reactions, in index order.
    public let reactions: [Reaction]

    /// Builds and validates a network.
    /// - Throws: `KineticsError` naming the first invalid item (duplicate names, unknown or
    ///   out-of-range indices, negative counts or stoichiometry, non-positive log-scale rates).
    public init(name: String = "", species: [String], initialState: [Int],
                parameters: [RateParameter], reactions: [Reaction]) throws {
        self.name = name
        self.species = species
        self.initialState = initialState
        self.parameters = parameters
        self.reactions = reactions
        try validate()
    }

    /// Number of species S.
    public var speciesCount: Int { species.count }
    /// Number of reactions M.
    public var reactionCount: Int { reactions.count }

    /// Index of the species called `name`, or nil.
    public func speciesIndex(_ name: String) -> Int? { species.firstIndex(of: name) }
    /// Index of the parameter called `name`, or nil.
    public func parameterIndex(_ name: String) -> Int? { parameters.firstIndex { $0.name == name } }

    // MARK: - Parameter coordinates

    /// The optimisation coordinates θ of the current parameter values.
    public var parameterCoordinates: [Double] {
        parameters.map { $0.scale == .log ? libmLog($0.value) : $0.value }
    }

    /// Natural-scale values for coordinates θ (exp for log-scale parameters).
    /// - Throws: `parameterCountMismatch` if θ has the wrong length, `invalidRate` if a value
    ///   is not finite.
    public func parameterValues(from theta: [Double]) throws -> [Double] {
        guard theta.count == parameters.count else {
            throw KineticsError.parameterCountMismatch(expected: parameters.count, got: theta.count)
        }
        var values = [Double](repeating: 0, count: theta.count)
        for k in theta.indices {
            values[k] = parameters[k].scale == .log ? libmExp(theta[k]) : theta[k]
            guard values[k].isFinite else { throw KineticsError.invalidRate(parameter: parameters[k].name, value: values[k]) }
        }
        return values
    }

    /// A copy whose parameter values are set from coordinates θ.
    public func with(coordinates theta: [Double]) throws -> ReactionNetwork {
        var copy = self
        let values = try parameterValues(from: theta)
        for k in values.indices { copy.parameters[k].value = values[k] }
        try copy.validate()
        return copy
    }

    // MARK: - Propensities (reference implementation, not the hot path)

    /// All propensities a_j(x) at the current parameter values.
    /// - Throws: `stateCountMismatch` for a state of the wrong length.
    public func propensities(counts: [Int]) throws -> [Double] {
        guard counts.count == speciesCount else {
            throw KineticsError.stateCountMismatch(expected: speciesCount, got: counts.count)
        }
        let compiled = CompiledNetwork(self)
        let values = parameters.map(\.value)
        return counts.withUnsafeBufferPointer { x in
            values.withUnsafeBufferPointer { v in
                (0..<reactionCount).map { compiled.propensity($0, counts: x, values: v) }
            }
        }
    }

    // MARK: - Validation

    /// The largest reactant coefficient: a mass-action propensity and its derivatives take time
    /// proportional to (and its square for) the coefficient, and no elementary reaction comes near.
    public static let maximumReactantCoefficient = 100
    /// The largest product coefficient (bursts of production), and the largest initial count
    /// (counts stay exact as Doubles). Together they keep counts far from Int overflow: from 2⁵³,
    /// wrapping would take 2⁴³ of the largest bursts.
    public static let maximumProductCoefficient = 1 << 20
    public static let maximumInitialCount = 1 << 53

    func validate() throws {
        var seen = Set<String>()
        for name in species + parameters.map(\.name) + reactions.map(\.name) where !seen.insert(name).inserted {
            throw KineticsError.duplicateName(name)
        }
        guard initialState.count == species.count else {
            throw KineticsError.stateCountMismatch(expected: species.count, got: initialState.count)
        }
        for (s, count) in initialState.enumerated() where count < 0 || count > Self.maximumInitialCount {
            throw KineticsError.invalidInitialCount(species: species[s], value: String(count))
        }
        for p in parameters {
            let ok = p.value.isFinite && (p.scale == .linear || p.value > 0)
            if !ok { throw KineticsError.invalidRate(parameter: p.name, value: p.value) }
        }
        for r in reactions {
            for (terms, limit) in [(r.reactants, Self.maximumReactantCoefficient), (r.products, Self.maximumProductCoefficient)] {
                for term in terms {
                    guard term.species >= 0 && term.species < species.count else {
                        throw KineticsError.unknownSpecies(reaction: r.name, species: "#\(term.species)")
                    }
                    guard term.count >= 1 && term.count <= limit else {
                        throw KineticsError.invalidStoichiometry(reaction: r.name, species: species[term.species], value: String(term.count))
                    }
                }
            }
            for side in [r.reactants, r.products] where Set(side.map(\.species)).count != side.count {
                throw KineticsError.malformedModel("reaction '\(r.name)' lists a species twice on one side")
            }
            switch r.law {
            case .massAction(let k):
                guard k >= 0 && k < parameters.count else {
                    throw KineticsError.unknownParameter(reaction: r.name, parameter: "#\(k)")
                }
                guard parameters[k].scale == .log else {
                    throw KineticsError.malformedModel("reaction '\(r.name)': a mass-action rate must be a log-scale (positive) parameter")
                }
            case .supplied(let law):
                for s in law.dependencies where s < 0 || s >= species.count {
                    throw KineticsError.unknownSpecies(reaction: r.name, species: "#\(s)")
                }
            }
        }
    }
}
