// The hand-written reverse pass of the differentiable SSA (ARCHITECTURE.md §3).

/// Options of the straight-through Gumbel-softmax gradient.
public struct GradientOptions: Sendable, Hashable {
    /// Softmax temperature τ of the surrogate y = softmax((ℓ + g)/τ); > 0.
    public var temperature: Double
    /// Truncation K: the state adjoint is carried back through at most K reaction choices
    /// (K = 0: waiting-time path only; nil: no truncation, which diverges with the horizon).
    public var truncation: Int?
    /// If set, each trajectory's gradient is rescaled to at most this Euclidean norm.
    public var clipNorm: Double?
    /// Which competing reactions the surrogate softmax of a choice runs over.
    public var relaxation: ChoiceRelaxation

    /// Defaults chosen from the bias study in README.md: τ = 0.5, K = 1, no clipping, all reactions.
    public init(temperature: Double = 0.5, truncation: Int? = 1, clipNorm: Double? = nil,
                relaxation: ChoiceRelaxation = .allReactions) {
        self.temperature = temperature
        self.truncation = truncation
        self.clipNorm = clipNorm
        self.relaxation = relaxation
    }
}

/// The reactions a choice's surrogate softmax y = softmax((ℓ + g)/τ) runs over. With two
/// competing reactions (every step of a single channel with two exits per state, or of a
/// reversible reaction) both are the same estimator, draw for draw.
public enum ChoiceRelaxation: String, Sendable, Hashable, CaseIterable {
    /// Every reaction with a_j > 0 (ARCHITECTURE.md §3): M − 1 noise draws and an M-term
    /// softmax per event.
    case allReactions = "all"
    /// The chosen reaction and the runner-up of the Gumbel-max race only: the two largest
    /// perturbed logits, drawn with their exact joint law (runner-up o ∝ a_o among the others,
    /// its margin from one uniform), the rest left out of the softmax (y_j = 0). Per event two
    /// draws and a two-way softmax in closed form, whatever M; the softmax weight left out is
    /// at most that of the runner-up each, and falls as (a_j/a0)² at τ = 0.5.
    case runnerUp = "runner-up"
}

/// Reverse pass over a recorded trajectory. The forward pass is the exact direct method; the
/// tape is the event list (reaction + time); the Gumbel noise of event n is regenerated from
/// (noise key, n) conditioned on the recorded choice, so that (z, r) has exactly the joint law
/// of Gumbel-max sampling (z_r = log a0 + G, z_j = −log(e^{−z_r} + E_j/a_j)).
///
/// Per event (adjoints x̄′, t̄′ of the state and time after it; ν_j net change of reaction j):
/// ȳ_j = ν_j·x̄′, ℓ̄_j = y_j(ȳ_j − Σ_k y_k ȳ_k)/τ, ā_j = ℓ̄_j/a_j − t̄′·Δt/a0,
/// θ̄ += (∂a/∂θ)ᵀā, x̄ = x̄′ + (∂a/∂x)ᵀā. Reactions with a_j = 0 are excluded from the softmax
/// (ℓ̄_j = 0 exactly, independent of τ); their waiting-time term stays (∂a0/∂x is finite).
public struct StraightThroughGradient: Sendable {
    public let network: ReactionNetwork
    public var options: GradientOptions
    let compiled: CompiledNetwork
    let kernel: PropensityKernel
    /// The single-molecule form of a first-order network (nil otherwise).
    let chain: SingleMoleculeChain?
    /// Whether a single-channel network takes the single-molecule loop (same results; off
    /// only to compare it with the general loop).
    public var usesChainLoop = true
    /// Whether the network has the single-molecule form (one molecule, first-order reactions).
    public var hasChainLoop: Bool { chain != nil }
    /// The sparse tables of a closed-form mass-action network (nil otherwise).
    let massAction: MassActionAdjointTables?
    /// Whether a closed-form mass-action network takes the sparse loop at K ∈ {0, 1, none}
    /// (same results to rounding; off only to compare it with the general loop).
    public var usesMassActionLoop = true
    /// Whether truncation K ≥ 2 carries the sum of its K state-adjoint buckets from event to event
    /// (same results to rounding; off only to compare it with re-adding the buckets every event).
    public var carriesBucketSum = true
    /// Whether every law is closed-form mass action (orders 0–2), so the sparse loop applies.
    public var hasMassActionLoop: Bool { massAction != nil }
    /// Whether the reverse pass reads runner-ups that the forward recorded (`Trajectory.runnerUps`):
    /// the runner-up relaxation on the sparse loop of 3 or more reactions.
    public var readsRunnerUps: Bool {
        options.relaxation == .runnerUp && usesMassActionLoop && (options.truncation ?? 0) <= 1
            && (massAction?.reactionCount ?? 0) > 2
    }

    /// - Throws: `invalidArgument` for τ ≤ 0, K < 0 or a non-positive clip norm.
    public init(network: ReactionNetwork, options: GradientOptions = GradientOptions()) throws {
        guard options.temperature > 0, options.temperature.isFinite else {
            throw KineticsError.invalidArgument("temperature must be > 0, got \(options.temperature)")
        }
        if let k = options.truncation, k < 0 { throw KineticsError.invalidArgument("truncation K must be ≥ 0") }
        if let c = options.clipNorm, !(c > 0) { throw KineticsError.invalidArgument("clip norm must be > 0") }
        self.network = network
        self.options = options
        self.compiled = CompiledNetwork(network)
        self.kernel = PropensityKernel(compiled)
        self.chain = SingleMoleculeChain(kernel)
        self.massAction = MassActionAdjointTables(kernel)
    }
}
