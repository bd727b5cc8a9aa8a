import Foundation

/// One state of a gating scheme.
public struct GatingState: Sendable, Equatable, Codable {
    /// Name, e.g. "A2R*".
    public var name: String
    /// Conductance class: 0 = shut, k > 0 = the k-th open class (levels in a DwellSequence).
    public var conductanceClass: Int
    /// Single-channel current of the state in pA (0 for shut states).
    public var amplitude: Double

    public init(name: String, conductanceClass: Int, amplitude: Double = 0) {
        self.name = name
        self.conductanceClass = conductanceClass
        self.amplitude = amplitude
    }

    /// True for conductance class > 0.
    public var isOpen: Bool { conductanceClass > 0 }
}

/// How a transition's rate depends on the conditions of a record:
/// `q = k · (c if agonistDependent) · exp(voltageCoefficient · V)`.
public struct RateLaw: Sendable, Equatable, Codable {
    /// Whether the rate is multiplied by the agonist concentration c (M); then k is in M⁻¹s⁻¹.
    public var agonistDependent: Bool
    /// Voltage sensitivity k_V in V⁻¹ (0 = voltage-independent).
    public var voltageCoefficient: Double

    public init(agonistDependent: Bool = false, voltageCoefficient: Double = 0) {
        self.agonistDependent = agonistDependent
        self.voltageCoefficient = voltageCoefficient
    }

    /// The multiplier of the rate constant at concentration `c` (M) and voltage `v` (V).
    @inlinable
    public func factor(concentration c: Double, voltage v: Double) -> Double {
        (agonistDependent ? c : 1) * (voltageCoefficient == 0 ? 1 : exp(voltageCoefficient * v))
    }
}

/// A directed transition between two states with a named rate constant.
public struct Transition: Sendable, Equatable {
    /// Rate name in the field's words (alpha1, beta2, k_plus1, …).
    public var name: String
    /// Index of the state the transition leaves.
    public var from: Int
    /// Index of the state the transition enters.
    public var to: Int
    /// The rate constant k (s⁻¹, or M⁻¹s⁻¹ when agonist-dependent).
    public var value: Double
    /// Dependence on concentration and voltage.
    public var law: RateLaw

    public init(name: String, from: Int, to: Int, value: Double, law: RateLaw = RateLaw()) {
        self.name = name
        self.from = from
        self.to = to
        self.value = value
        self.law = law
    }
}

/// A constraint on a rate constant.
public enum RateConstraint: Sendable, Equatable {
    /// The rate keeps its value during a fit.
    case fixed(rate: String)
    /// `rate = factor × other`.
    case proportional(rate: String, of: String, factor: Double)
    /// The rate is the one dependent rate of its cycle under microscopic reversibility.
    case microscopicReversibility(rate: String)

    /// The constrained rate's name.
    public var rate: String {
        switch self {
        case let .fixed(r), let .proportional(r, _, _), let .microscopicReversibility(r): return r
        }
    }
}

/// A Markov gating scheme: states with conductance classes, transitions with rate laws, and
/// constraints on the rates. Rates are parameterised in log space: every rate constant is
/// `exp(offset + Σ_j coefficient_j θ_j)` of the free log-rates θ (fixed, proportional and
/// microscopic-reversibility constraints are all affine in log space).
///
/// Building a scheme validates it: unknown or duplicate names, a state not connected both
/// ways to the rest, a constraint that is circular, doubled or cannot hold, a rate that is not
/// finite and positive — each throws a `GatingModelsError` naming the culprit. After `init`,
/// every constrained rate holds its constrained value (a dependent rate's value in the input
/// is replaced).
public struct GatingScheme: Sendable {
    /// Name of the scheme (e.g. "CH82").
    public var name: String
    /// States in a fixed order (the order of Q's rows).
    public let states: [GatingState]
    /// Transitions (one per named rate).
    public private(set) var transitions: [Transition]
    /// The constraints as given (automatic microscopic-reversibility choices included).
    public let constraints: [RateConstraint]
    /// Indices of the shut states that end a burst (the "C" states of CH82); the other shut
    /// states are the short-lived within-burst "B" states.
    public let longLivedStates: [Int]
    /// The affine log-space map from free parameters to every rate.
    public let parameterMap: ParameterMap

    /// Builds and validates a scheme.
    /// - Parameters:
    ///   - enforceMicroscopicReversibility: when true, every cycle not already closed by an
    ///     explicit `.microscopicReversibility` constraint gets a dependent rate chosen by a
    ///     spanning tree.
    ///   - longLivedStates: names of the shut states that end bursts; nil = the shut states
    ///     with no direct route to an open state.
    public init(name: String, states: [GatingState], transitions: [Transition],
                constraints: [RateConstraint] = [], enforceMicroscopicReversibility: Bool = true,
                longLivedStates: [String]? = nil) throws {
        self.name = name
        self.states = states
        try GatingScheme.validate(states: states, transitions: transitions)
        let (map, allConstraints) = try ParameterMap.build(
            states: states, transitions: transitions, constraints: constraints,
            enforceMicroscopicReversibility: enforceMicroscopicReversibility)
        self.parameterMap = map
        self.constraints = allConstraints
        var resolved = transitions
        let values = map.rateConstants(map.initialParameters)
        for i in resolved.indices { resolved[i].value = values[i] }
        self.transitions = resolved
        if let names = longLivedStates {
            self.longLivedStates = try names.map { n in
                guard let i = states.firstIndex(where: { $0.name == n }) else { throw GatingModelsError.unknownState(n) }
                guard !states[i].isOpen else {
                    throw GatingModelsError.invalidSchemeField(field: "long_lived", reason: "state '\(n)' is open")
                }
                return i
            }
        } else {
            let adjacentToOpen = Set(transitions.filter { states[$0.to].isOpen }.map(\.from))
            self.longLivedStates = states.indices.filter { !states[$0].isOpen && !adjacentToOpen.contains($0) }
        }
    }

    // MARK: - Rates

    /// Names of the rates, in transition order.
    public var rateNames: [String] { transitions.map(\.name) }
    /// Current rate constants, in transition order.
    public var rateConstants: [Double] { transitions.map(\.value) }
    /// Names of the free rates (the fit's parameters), in order.
    public var freeRateNames: [String] { parameterMap.freeRates.map { transitions[$0].name } }

    /// The index of the transition with this rate name.
    public func rateIndex(_ name: String) -> Int? { transitions.firstIndex { $0.name == name } }

    /// The unit of rate `name`: M⁻¹s⁻¹ when it is multiplied by the agonist concentration, else s⁻¹.
    public func unit(ofRate name: String) -> String {
        rateIndex(name).map { transitions[$0].law.agonistDependent } == true ? "M⁻¹s⁻¹" : "s⁻¹"
    }

    /// A copy whose rates are those implied by the free log-rates `theta`.
    /// - Throws: `invalidRate` if any rate becomes non-finite or zero (overflow/underflow).
    public func with(parameters theta: [Double]) throws -> GatingScheme {
        let k = parameterMap.rateConstants(theta)
        var copy = self
        for i in copy.transitions.indices {
            guard k[i].isFinite, k[i] > 0 else { throw GatingModelsError.invalidRate(name: transitions[i].name, value: k[i]) }
            copy.transitions[i].value = k[i]
        }
        // Keep `parameters` in step with the rates (a fit's result starts the next fit).
        var map = parameterMap
        map.replaceInitialParameters(theta)
        copy.setParameterMap(map)
        return copy
    }

    /// A copy with the named free or fixed rates set (constrained rates are then recomputed).
    /// - Throws: `unknownRate`, `inconsistentConstraint` if a name is a dependent rate,
    ///   `invalidRate` if a value is not finite and positive.
    public func with(rates: [String: Double]) throws -> GatingScheme {
        var copy = self
        var map = parameterMap
        for (n, v) in rates {
            guard let i = rateIndex(n) else { throw GatingModelsError.unknownRate(n) }
            guard v.isFinite, v > 0 else { throw GatingModelsError.invalidRate(name: n, value: v) }
            try map.setIndependentRate(i, value: v, name: n)
        }
        let k = map.rateConstants(map.initialParameters)
        for i in copy.transitions.indices {
            guard k[i].isFinite, k[i] > 0 else { throw GatingModelsError.invalidRate(name: transitions[i].name, value: k[i]) }
            copy.transitions[i].value = k[i]
        }
        copy.setParameterMap(map)
        return copy
    }

    private mutating func setParameterMap(_ map: ParameterMap) {
        self = GatingScheme(copying: self, map: map)
    }

    private init(copying s: GatingScheme, map: ParameterMap) {
        name = s.name; states = s.states; transitions = s.transitions
        constraints = s.constraints; longLivedStates = s.longLivedStates; parameterMap = map
    }

    /// The free log-rates of the current rate constants.
    public var parameters: [Double] { parameterMap.initialParameters }

    // MARK: - Validation

    static func validate(states: [GatingState], transitions: [Transition]) throws {
        guard !states.isEmpty else { throw GatingModelsError.invalidSchemeField(field: "states", reason: "no states") }
        var seen = Set<String>()
        for s in states {
            guard !s.name.isEmpty else { throw GatingModelsError.invalidSchemeField(field: "states", reason: "a state has no name") }
            guard seen.insert(s.name).inserted else { throw GatingModelsError.duplicateName(s.name) }
            guard s.conductanceClass >= 0 else {
                throw GatingModelsError.invalidSchemeField(field: "class", reason: "state '\(s.name)' has a negative class")
            }
            guard s.amplitude.isFinite else { throw GatingModelsError.invalidSchemeField(field: "amplitude", reason: "state '\(s.name)'") }
        }
        guard states.contains(where: \.isOpen) else { throw GatingModelsError.missingConductanceClass("no open state") }
        guard states.contains(where: { !$0.isOpen }) else { throw GatingModelsError.missingConductanceClass("no shut state") }
        var rateNames = Set<String>()
        var pairs = Set<[Int]>()
        for t in transitions {
            guard rateNames.insert(t.name).inserted else { throw GatingModelsError.duplicateName(t.name) }
            guard states.indices.contains(t.from), states.indices.contains(t.to), t.from != t.to else {
                throw GatingModelsError.invalidSchemeField(field: "rates", reason: "rate '\(t.name)' does not join two different states")
            }
            guard pairs.insert([t.from, t.to]).inserted else { throw GatingModelsError.duplicateName("\(t.name) (second rate for the same transition)") }
            guard t.value.isFinite, t.value > 0 else { throw GatingModelsError.invalidRate(name: t.name, value: t.value) }
            guard t.law.voltageCoefficient.isFinite else { throw GatingModelsError.invalidRate(name: t.name, value: t.law.voltageCoefficient) }
        }
        // Strong connectivity: every state reachable from state 0 and able to reach it.
        func reach(_ forward: Bool) -> Set<Int> {
            var seen: Set<Int> = [0], stack = [0]
            while let s = stack.popLast() {
                for t in transitions {
                    let (a, b) = forward ? (t.from, t.to) : (t.to, t.from)
                    if a == s, seen.insert(b).inserted { stack.append(b) }
                }
            }
            return seen
        }
        let fwd = reach(true), back = reach(false)
        for i in states.indices where !fwd.contains(i) || !back.contains(i) {
            throw GatingModelsError.unreachableState(states[i].name)
        }
    }
}
