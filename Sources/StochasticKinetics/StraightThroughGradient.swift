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
    }

    // MARK: - Noise

    /// The perturbed logits z = ℓ + g used by the surrogate at event `event` (1-based) of a
    /// trajectory with `noiseKey`, given the propensities before the event and the recorded
    /// choice. Zero-propensity reactions get −∞. Public so that oracles (dual numbers) can
    /// replay the identical noise.
    public static func perturbedLogits(propensities a: [Double], chosen: Int, noiseKey: UInt64, event: Int) -> [Double] {
        var z = [Double](repeating: -.infinity, count: a.count)
        let a0 = a.reduce(0, +)
        a.withUnsafeBufferPointer { ab in
            z.withUnsafeMutableBufferPointer { zb in
                fillPerturbedLogits(a: ab, a0: a0, chosen: chosen, key: eventKey(noiseKey, event), z: zb)
            }
        }
        return z
    }

    @inline(__always)
    static func eventKey(_ key: UInt64, _ event: Int) -> UInt64 {
        key &+ UInt64(truncatingIfNeeded: event) &* 0xD1B5_4A32_D192_ED03
    }

    @inline(__always)
    static func fillPerturbedLogits(a: UnsafeBufferPointer<Double>, a0: Double, chosen r: Int, key: UInt64,
                                    z: UnsafeMutableBufferPointer<Double>) {
        let m = a.count
        let e0 = CounterNoise.exponential(key: key, counter: UInt64(m))
        let zr = libmLog(a0) - libmLog(e0)
        let base = e0 / a0
        for j in 0..<m {
            if j == r { z[j] = zr } else if a[j] > 0 {
                z[j] = -libmLog(base + CounterNoise.exponential(key: key, counter: UInt64(j)) / a[j])
            } else { z[j] = -.infinity }
        }
    }

    // MARK: - Reverse pass

    /// ∂L/∂θ for one trajectory given the loss adjoint on its times and states.
    /// - Parameters:
    ///   - coordinates: the θ the trajectory was simulated with (nil: the network's values).
    /// - Returns: one entry per parameter (coordinates θ: log-scale parameters get ∂/∂log k).
    /// - Throws: `invalidArgument` if the adjoint does not match the trajectory,
    ///   `parameterCountMismatch` for θ of the wrong length.
    public func gradient(of trajectory: Trajectory, adjoint: TrajectoryAdjoint, coordinates: [Double]? = nil) throws -> [Double] {
        let values = try coordinates.map { try network.parameterValues(from: $0) } ?? network.parameters.map(\.value)
        let sCount = network.speciesCount, m = network.reactionCount, n = trajectory.eventCount
        guard adjoint.times.count == n, adjoint.states.count == (n + 1) * sCount else {
            throw KineticsError.invalidArgument("adjoint shape does not match the trajectory (\(n) events)")
        }
        let k = options.truncation
        let buckets = k.map { max($0, 0) } ?? 1           // ring of per-age state adjoints
        var thetaBar = [Double](repeating: 0, count: network.parameters.count)
        var ring = [Double](repeating: 0, count: max(buckets, 1) * sCount)
        var x = trajectory.finalState
        var a = [Double](repeating: 0, count: m), z = a, y = a, yBar = a, aBar = a
        var contribution = [Double](repeating: 0, count: sCount), scratchS = contribution
        var scratchP = thetaBar
        let invTau = 1 / options.temperature
        let c = compiled
        thetaBar.withUnsafeMutableBufferPointer { tb in
        ring.withUnsafeMutableBufferPointer { ring in
        x.withUnsafeMutableBufferPointer { x in
        a.withUnsafeMutableBufferPointer { a in
        z.withUnsafeMutableBufferPointer { z in
        y.withUnsafeMutableBufferPointer { y in
        yBar.withUnsafeMutableBufferPointer { yBar in
        aBar.withUnsafeMutableBufferPointer { aBar in
        contribution.withUnsafeMutableBufferPointer { cb in
        scratchS.withUnsafeMutableBufferPointer { ss in
        scratchP.withUnsafeMutableBufferPointer { sp in
        values.withUnsafeBufferPointer { v in
        trajectory.eventTimes.withUnsafeBufferPointer { times in
        trajectory.reactions.withUnsafeBufferPointer { reactions in
        adjoint.times.withUnsafeBufferPointer { tAdj in
        adjoint.states.withUnsafeBufferPointer { xAdj in
            // Segment N: its direct state adjoint enters the youngest bucket.
            if buckets > 0 { for s in 0..<sCount { ring[s] = xAdj[n * sCount + s] } }
            var head = 0                                   // ring index of age 0
            var timeBar = 0.0                              // total adjoint of τ_n
            var event = n
            while event >= 1 {
                let r = Int(reactions[event - 1])
                timeBar += tAdj[event - 1]
                // x̄′ = Σ of the live buckets (adjoint of x_event).
                var live = false
                if buckets > 0 && k != 0 {
                    for s in 0..<sCount {
                        var sum = 0.0
                        for b in 0..<buckets { sum += ring[((head + b) % buckets) * sCount + s] }
                        cb[s] = sum
                        if sum != 0 { live = true }
                    }
                }
                // Back to the state before the event.
                for i in c.changeStart[r]..<c.changeStart[r + 1] { x[c.changeSpecies[i]] -= c.changeDelta[i] }
                let xs = UnsafeBufferPointer(x)
                var a0 = 0.0, active = 0
                for j in 0..<m {
                    a[j] = c.propensity(j, counts: xs, values: v)
                    a0 += a[j]
                    if a[j] > 0 { active += 1 }
                    aBar[j] = 0
                }
                let dt = times[event - 1] - (event >= 2 ? times[event - 2] : 0)
                // Choice (straight-through surrogate softmax).
                if live && active >= 2 {
                    Self.fillPerturbedLogits(a: UnsafeBufferPointer(a), a0: a0, chosen: r,
                                             key: Self.eventKey(trajectory.noiseKey, event), z: z)
                    let zmax = z[r]
                    var norm = 0.0
                    for j in 0..<m {
                        if a[j] > 0 { y[j] = libmExp((z[j] - zmax) * invTau); norm += y[j] } else { y[j] = 0 }
                    }
                    var mean = 0.0
                    for j in 0..<m where a[j] > 0 {
                        y[j] /= norm
                        var dot = 0.0
                        for i in c.changeStart[j]..<c.changeStart[j + 1] { dot += Double(c.changeDelta[i]) * cb[c.changeSpecies[i]] }
                        yBar[j] = dot
                        mean += y[j] * dot
                    }
                    for j in 0..<m where a[j] > 0 { aBar[j] = invTau * y[j] * (yBar[j] - mean) / a[j] }
                }
                // Waiting time Δt = E/a0: ∂Δt/∂a_j = −Δt/a0 for every j.
                let timeTerm = -timeBar * dt / a0
                for s in 0..<sCount { cb[s] = 0 }
                for j in 0..<m {
                    c.accumulateDerivatives(j, weight: aBar[j] + timeTerm, propensity: a[j], counts: xs, values: v,
                                            thetaBar: tb, stateBar: cb, scratchTheta: sp, scratchState: ss)
                }
                // Age the buckets: the oldest falls off (truncation), the new youngest holds
                // (∂a/∂x)ᵀā plus the loss's direct adjoint of x_{event−1}.
                let base = (event - 1) * sCount
                if let k, k >= 1 {
                    head = (head + buckets - 1) % buckets
                    for s in 0..<sCount { ring[head * sCount + s] = cb[s] + xAdj[base + s] }
                } else if k == nil {
                    for s in 0..<sCount { ring[s] += cb[s] + xAdj[base + s] }
                }
                event -= 1
            }
        }}}}}}}}}}}}}}}}
        if let clip = options.clipNorm {
            let norm = thetaBar.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > clip { thetaBar = thetaBar.map { $0 * clip / norm } }
        }
        return thetaBar
    }
}
