// Typed errors of the StochasticKinetics module.

/// Everything that can go wrong when building, loading or simulating a reaction network.
/// Each case names the offending item so that a user can fix the model file or the call.
public enum KineticsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model text is not valid YAML or lacks a required section.
    case malformedModel(String)
    /// A reaction mentions a species the network does not declare.
    case unknownSpecies(reaction: String, species: String)
    /// A reaction mentions a rate parameter the network does not declare.
    case unknownParameter(reaction: String, parameter: String)
    /// A rate constant is negative, zero where a log-scale value is required, or not finite.
    case invalidRate(parameter: String, value: Double)
    /// A stoichiometric coefficient is not a whole number from 1 to its limit
    /// (`ReactionNetwork.maximumReactantCoefficient`, `.maximumProductCoefficient`).
    case invalidStoichiometry(reaction: String, species: String, value: String)
    /// An initial count is not a whole number from 0 to `ReactionNetwork.maximumInitialCount`.
    case invalidInitialCount(species: String, value: String)
    /// Two species, parameters or reactions share a name.
    case duplicateName(String)
    /// A propensity evaluated to a negative or non-finite value during simulation.
    case invalidPropensity(reaction: String, value: Double, step: Int)
    /// A parameter vector of the wrong length was passed.
    case parameterCountMismatch(expected: Int, got: Int)
    /// A state vector of the wrong length was passed.
    case stateCountMismatch(expected: Int, got: Int)
    /// A horizon, trajectory count, temperature or option outside its valid range.
    case invalidArgument(String)
    /// The requested simulation would need more memory than the configured budget.
    case memoryBudgetExceeded(requiredBytes: Double, budgetBytes: Double)
    /// A trajectory took more steps than its step limit before reaching the horizon.
    case stepLimitExceeded(limit: Int, time: Double)

    public var description: String {
        switch self {
        case .malformedModel(let why): return "malformed model: \(why)"
        case .unknownSpecies(let r, let s): return "reaction '\(r)' uses unknown species '\(s)'"
        case .unknownParameter(let r, let p): return "reaction '\(r)' uses unknown rate parameter '\(p)'"
        case .invalidRate(let p, let v): return "rate parameter '\(p)' must be a positive finite number, got \(v)"
        case .invalidStoichiometry(let r, let s, let v):
            return "reaction '\(r)': stoichiometry of '\(s)' must be a whole number from 1 to \(ReactionNetwork.maximumReactantCoefficient)"
                + " as a reactant or to \(ReactionNetwork.maximumProductCoefficient) as a product, got \(v)"
        case .invalidInitialCount(let s, let v):
            return "species '\(s)': initial count must be a whole number from 0 to 2^53, got \(v)"
        case .duplicateName(let n): return "duplicate name '\(n)'"
        case .invalidPropensity(let r, let v, let step):
            return "propensity of reaction '\(r)' evaluated to \(v) at step \(step) (must be finite and ≥ 0)"
        case .parameterCountMismatch(let e, let g): return "expected \(e) parameters, got \(g)"
        case .stateCountMismatch(let e, let g): return "expected \(e) species counts, got \(g)"
        case .invalidArgument(let why): return "invalid argument: \(why)"
        case .memoryBudgetExceeded(let r, let b):
            return "simulation would need ~\(Int(r / 1e6)) MB of event storage, more than the budget of \(Int(b / 1e6)) MB; shorten the horizon or use fewer trajectories"
        case .stepLimitExceeded(let l, let t): return "trajectory exceeded the step limit \(l) at time \(t) before reaching the horizon"
        }
    }
}
