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

    /// Defaults chosen from the bias study in README.md: τ = 0.5, K = 1, no clipping.
    public init(temperature: Double = 0.5, truncation: Int? = 1, clipNorm: Double? = nil) {
        self.temperature = temperature
        self.truncation = truncation
        self.clipNorm = clipNorm
    }
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
    }

    // MARK: - Noise

    /// The perturbed logits z = ℓ + g used by the surrogate at event `event` (1-based) of a
    /// trajectory with `noiseKey`, given the propensities before the event and the recorded
    /// choice. Zero-propensity reactions get −∞. Public so that oracles (dual numbers) can
    /// replay the identical noise.
    public static func perturbedLogits(propensities a: [Double], chosen: Int, noiseKey: UInt64, event: Int) -> [Double] {
        let a0 = a.reduce(0, +)
        let key = eventKey(noiseKey, event)
        let e0 = CounterNoise.exponential(key: key, counter: UInt64(a.count))
        let zr = libmLog(a0) - libmLog(e0)
        return a.indices.map { j in
            if j == chosen { return zr }
            return a[j] > 0 ? zr - logGap(a: a[j], a0: a0, e0: e0, key: key, j: j) : -.infinity
        }
    }

    @inline(__always)
    static func eventKey(_ key: UInt64, _ event: Int) -> UInt64 {
        key &+ UInt64(truncatingIfNeeded: event) &* 0xD1B5_4A32_D192_ED03
    }

    /// z_r − z_j = log1p(E_j·a0/(a_j·E_0)) ≥ 0 for a non-chosen reaction j with a_j > 0
    /// (from z_r = log a0 − log E_0 and z_j = −log(E_0/a0 + E_j/a_j)).
    @inline(__always)
    static func logGap(a: Double, a0: Double, e0: Double, key: UInt64, j: Int) -> Double {
        log1p(CounterNoise.exponential(key: key, counter: UInt64(j)) * a0 / (a * e0))
    }
}
