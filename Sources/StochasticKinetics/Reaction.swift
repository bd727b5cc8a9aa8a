// Reactions, their stoichiometry and their propensity laws.

// MARK: - Stoichiometry

/// One species taking part in a reaction with an integer coefficient ≥ 1.
public struct StoichiometryTerm: Sendable, Hashable {
    /// Index of the species in the network.
    public var species: Int
    /// Number of molecules consumed (reactant side) or produced (product side); ≥ 1.
    public var count: Int

    public init(species: Int, count: Int) {
        self.species = species
        self.count = count
    }
}

// MARK: - Supplied laws

/// A propensity law supplied by the caller (e.g. a gating scheme's k0·c·exp(k1·V)·n), with its
/// derivatives. The engine calls it with the current counts and the parameter *values* (natural
/// scale); the derivative closure must write ∂a/∂value_k into `parameterGradient` (length =
/// parameter count, pre-zeroed) and ∂a/∂x_s into `stateGradient` (length = species count,
/// pre-zeroed). The value must be finite and ≥ 0: a negative value stops the simulation with
/// `KineticsError.invalidPropensity`.
public struct SuppliedPropensity: Sendable {
    /// Species whose counts the law reads (used to know when to re-evaluate it).
    public var dependencies: [Int]
    /// a(x; values).
    public var evaluate: @Sendable (_ counts: UnsafeBufferPointer<Int>, _ values: UnsafeBufferPointer<Double>) -> Double
    /// ∂a/∂values and ∂a/∂x, accumulated into the two pre-zeroed buffers.
    public var derivatives: @Sendable (_ counts: UnsafeBufferPointer<Int>, _ values: UnsafeBufferPointer<Double>,
                                       _ parameterGradient: UnsafeMutableBufferPointer<Double>,
                                       _ stateGradient: UnsafeMutableBufferPointer<Double>) -> Void

    public init(dependencies: [Int],
                evaluate: @escaping @Sendable (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Double>) -> Double,
                derivatives: @escaping @Sendable (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Double>,
                                                  UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) {
        self.dependencies = dependencies
        self.evaluate = evaluate
        self.derivatives = derivatives
    }
}

/// How a reaction's propensity a(x; θ) is computed.
public enum PropensityLaw: Sendable {
    /// Mass action with Gillespie's combinatorial convention: a = k · Π_s C(x_s, ν_s)
    /// (e.g. 2A → A₂ has a = k·A(A−1)/2). `parameter` indexes the rate constant k.
    case massAction(parameter: Int)
    /// A caller-supplied law with its derivatives.
    case supplied(SuppliedPropensity)
}

// MARK: - Reaction

/// One reaction channel: reactants → products with a propensity law.
public struct Reaction: Sendable {
    /// A name unique in the network (used in errors and output).
    public var name: String
    /// Species consumed, each at most once in the list.
    public var reactants: [StoichiometryTerm]
    /// Species produced, each at most once in the list.
    public var products: [StoichiometryTerm]
    /// The propensity law.
    public var law: PropensityLaw

    public init(name: String, reactants: [StoichiometryTerm], products: [StoichiometryTerm], law: PropensityLaw) {
        self.name = name
        self.reactants = reactants
        self.products = products
        self.law = law
    }

    /// Net change of each species when the reaction fires (products − reactants), as a sparse
    /// list without zero entries, sorted by species index.
    public var netChange: [StoichiometryTerm] {
        var change: [Int: Int] = [:]
        for term in reactants { change[term.species, default: 0] -= term.count }
        for term in products { change[term.species, default: 0] += term.count }
        return change.filter { $0.value != 0 }.map { StoichiometryTerm(species: $0.key, count: $0.value) }
            .sorted { $0.species < $1.species }
    }
}

// MARK: - Parameters

/// A named parameter of the network. The optimiser works on θ = log(value) for log-scale
/// parameters (rates, always > 0) and on θ = value for linear ones (e.g. a voltage slope, any sign).
public struct RateParameter: Sendable, Hashable {
    /// Whether θ is the natural log of the value.
    public enum Scale: Sendable, Hashable { case log, linear }
    public var name: String
    /// The natural-scale value.
    public var value: Double
    public var scale: Scale

    public init(name: String, value: Double, scale: Scale = .log) {
        self.name = name
        self.value = value
        self.scale = scale
    }
}
