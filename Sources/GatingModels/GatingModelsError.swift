/// Everything that can go wrong building a gating scheme, computing its Q-matrix theory or
/// fitting it. Each case names what is wrong in words a user can act on.
public enum GatingModelsError: Error, Sendable, Equatable, CustomStringConvertible {
    // MARK: - Scheme definition
    /// The scheme file could not be read or is not valid YAML.
    case schemeFile(path: String, reason: String)
    /// A required key is missing or has the wrong type.
    case invalidSchemeField(field: String, reason: String)
    /// Two states or two rates share a name.
    case duplicateName(String)
    /// A transition or constraint names a state that does not exist.
    case unknownState(String)
    /// A constraint names a rate that does not exist.
    case unknownRate(String)
    /// A state cannot be reached from (or cannot reach) the others: the scheme has more than
    /// one communicating class, so it has no unique equilibrium.
    case unreachableState(String)
    /// A constraint cannot hold: circular, contradicts another, or breaks microscopic
    /// reversibility's requirements.
    case inconsistentConstraint(rate: String, reason: String)
    /// A rate constant is not a finite positive number.
    case invalidRate(name: String, value: Double)
    /// The scheme has no open state or no shut state.
    case missingConductanceClass(String)

    // MARK: - Numerics
    /// A matrix held an infinite or NaN entry (rates overflowed).
    case nonFiniteMatrix(context: String)
    /// A matrix that must be inverted is singular.
    case singularMatrix(context: String)
    /// LAPACK's eigen-solver reported failure.
    case eigenFailure(context: String)
    /// The Q-matrix has complex eigenvalues (the scheme violates microscopic reversibility).
    case complexEigenvalues(largestImaginaryPart: Double)
    /// The roots of det W(s) (HJC asymptotic pdf) could not be bracketed.
    case rootFindingFailed(context: String)

    // MARK: - Data and fitting
    /// A record to fit has no resolvable openings (or no usable groups of intervals).
    case noOpenings(record: String)
    /// An interval of a record is at a level (open channels) the patch cannot show.
    case levelAboveChannels(record: String, interval: Int, level: Int, channels: Int)
    /// A fit or theory argument is out of range (negative resolution, empty data, …).
    case invalidArgument(name: String, reason: String)
    /// The likelihood was not finite at the starting rates.
    case nonFiniteLikelihood(context: String)

    public var description: String {
        switch self {
        case let .schemeFile(path, reason): return "scheme file \(path): \(reason)"
        case let .invalidSchemeField(field, reason): return "scheme field '\(field)': \(reason)"
        case let .duplicateName(n): return "duplicate name '\(n)'"
        case let .unknownState(n): return "unknown state '\(n)'"
        case let .unknownRate(n): return "unknown rate '\(n)'"
        case let .unreachableState(n): return "state '\(n)' is not connected to the rest of the scheme in both directions (unreachable)"
        case let .inconsistentConstraint(rate, reason): return "inconsistent constraint on rate '\(rate)': \(reason)"
        case let .invalidRate(name, value): return "rate '\(name)' = \(value) is not a finite positive number"
        case let .missingConductanceClass(r): return "scheme has \(r)"
        case let .nonFiniteMatrix(c): return "non-finite matrix entries (rates overflow?) in \(c)"
        case let .singularMatrix(c): return "singular matrix in \(c)"
        case let .eigenFailure(c): return "eigen-decomposition failed: \(c)"
        case let .complexEigenvalues(w): return "Q-matrix has complex eigenvalues (imaginary part \(w)); does the scheme obey microscopic reversibility?"
        case let .rootFindingFailed(c): return "HJC root finding failed: \(c)"
        case let .noOpenings(r): return "record '\(r)' has no usable openings"
        case let .levelAboveChannels(r, i, level, n):
            return "record '\(r)', interval \(i): level \(level) (open channels) is impossible with \(n) channel(s) in the patch; give --channels or check the idealisation"
        case let .invalidArgument(n, r): return "invalid \(n): \(r)"
        case let .nonFiniteLikelihood(c): return "likelihood is not finite: \(c)"
        }
    }
}
