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
        let truncation = options.truncation
        let buckets = truncation.map { max($0, 0) } ?? 1     // ring of per-age state adjoints
        let carries = truncation != 0
        let kern = kernel
        let rates = compiled.effectiveRates(values: values)
        var thetaBar = [Double](repeating: 0, count: network.parameters.count)
        var scratchP = thetaBar
        // One block for all per-step scratch: a, y, ā (m each); x̄′, (∂a/∂x)ᵀā, scratch (S each); ring.
        let block = UnsafeMutablePointer<Double>.allocate(capacity: 3 * m + 3 * sCount + max(buckets, 1) * sCount)
        let x = UnsafeMutablePointer<Int>.allocate(capacity: max(sCount, 1))
        defer { block.deallocate(); x.deallocate() }
        let a = block, y = block + m, aBar = block + 2 * m
        let xBarNext = block + 3 * m, cBar = xBarNext + sCount, scratchS = cBar + sCount, ring = scratchS + sCount
        for s in 0..<(max(buckets, 1) * sCount) { ring[s] = 0 }
        for s in 0..<sCount { x[s] = trajectory.finalState[s] }
        let invTau = 1 / options.temperature
        let squarePower = invTau == 2                      // τ = 0.5: (1 + gap)^−2 needs no exp/log
        let cb = UnsafeMutableBufferPointer(start: cBar, count: sCount)
        let ssb = UnsafeMutableBufferPointer(start: scratchS, count: sCount)
        let key0 = trajectory.noiseKey
        thetaBar.withUnsafeMutableBufferPointer { tb in
        scratchP.withUnsafeMutableBufferPointer { sp in
        values.withUnsafeBufferPointer { v in
        rates.withUnsafeBufferPointer { kb in
        trajectory.eventTimes.withUnsafeBufferPointer { times in
        trajectory.reactions.withUnsafeBufferPointer { reactions in
        adjoint.times.withUnsafeBufferPointer { tAdj in
        adjoint.states.withUnsafeBufferPointer { xAdj in
        adjoint.barriers.withUnsafeBufferPointer { barriers in
            let hasBarriers = barriers.count == n
            guard let k = kb.baseAddress else { return }
            // Segment N: its direct state adjoint enters the youngest bucket.
            if carries { for s in 0..<sCount { ring[s] = xAdj[n * sCount + s] } }
            var head = 0                                   // ring slot of age 0
            var timeBar = 0.0                              // total adjoint of τ_event
            var event = n
            while event >= 1 {
                let r = Int(reactions[event - 1])
                timeBar += tAdj[event - 1]
                // x̄′ = Σ of the live buckets (adjoint of the state after the event).
                var live = false
                if carries {
                    if buckets == 1 {
                        for s in 0..<sCount { xBarNext[s] = ring[s]; if ring[s] != 0 { live = true } }
                    } else {
                        for s in 0..<sCount { xBarNext[s] = 0 }
                        var slot = head
                        for _ in 0..<buckets {
                            for s in 0..<sCount { xBarNext[s] += ring[slot * sCount + s] }
                            slot = slot + 1 == buckets ? 0 : slot + 1
                        }
                        for s in 0..<sCount where xBarNext[s] != 0 { live = true }
                    }
                }
                // Back to the state before the event; recompute its propensities.
                for i in kern.changeStart[r]..<kern.changeStart[r + 1] { x[kern.changeSpecies[i]] &-= kern.changeDelta[i] }
                var a0 = 0.0, active = 0
                for j in 0..<m {
                    let aj = kern.propensity(j, x, k, v)
                    a[j] = aj
                    a0 += aj
                    if aj > 0 { active += 1 }
                    aBar[j] = 0
                }
                let dt = times[event - 1] - (event >= 2 ? times[event - 2] : 0)
                // Choice: surrogate y = softmax(z/τ) with the regenerated conditional Gumbel noise.
                if live && active >= 2 {
                    let key = Self.eventKey(key0, event)
                    let e0 = CounterNoise.exponential(key: key, counter: UInt64(m))
                    var norm = 0.0
                    for j in 0..<m {
                        if j == r { y[j] = 1 } else if a[j] > 0 {
                            if squarePower {
                                let ratio = CounterNoise.exponential(key: key, counter: UInt64(j)) * a0 / (a[j] * e0)
                                let w = 1 / (1 + ratio)
                                y[j] = w * w
                            } else {
                                y[j] = libmExp(-invTau * Self.logGap(a: a[j], a0: a0, e0: e0, key: key, j: j))
                            }
                        } else { y[j] = 0 }
                        norm += y[j]
                    }
                    var mean = 0.0
                    let invNorm = 1 / norm
                    for j in 0..<m where a[j] > 0 {
                        y[j] *= invNorm
                        var dot = 0.0
                        for i in kern.changeStart[j]..<kern.changeStart[j + 1] {
                            dot += Double(kern.changeDelta[i]) * xBarNext[kern.changeSpecies[i]]
                        }
                        aBar[j] = dot                          // ȳ_j for now
                        mean += y[j] * dot
                    }
                    for j in 0..<m where a[j] > 0 { aBar[j] = invTau * y[j] * (aBar[j] - mean) / a[j] }
                }
                // Waiting time Δt = E/a0: ∂Δt/∂a_j = −Δt/a0 for every j.
                let timeTerm = -timeBar * dt / a0
                for s in 0..<sCount { cBar[s] = 0 }
                for j in 0..<m {
                    kern.accumulate(j, weight: aBar[j] + timeTerm, propensity: a[j], x, k, v,
                                    thetaBar: tb, stateBar: cb, scratchTheta: sp, scratchState: ssb)
                }
                // Age the buckets: the oldest falls off (truncation after K choices); the new
                // youngest holds (∂a/∂x)ᵀā plus the loss's direct adjoint of the earlier state.
                let base = (event - 1) * sCount
                if hasBarriers && barriers[event - 1] && carries {
                    // A barrier: only the adjoint of the state before this event carries on.
                    for s in 0..<(buckets * sCount) { ring[s] = 0 }
                    head = 0
                    for s in 0..<sCount { ring[s] = cBar[s] + xAdj[base + s] }
                } else if truncation == nil {
                    for s in 0..<sCount { ring[s] += cBar[s] + xAdj[base + s] }
                } else if carries {
                    head = head == 0 ? buckets - 1 : head - 1
                    for s in 0..<sCount { ring[head * sCount + s] = cBar[s] + xAdj[base + s] }
                }
                event -= 1
            }
        }}}}}}}}}
        if let clip = options.clipNorm {
            let norm = thetaBar.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > clip { thetaBar = thetaBar.map { $0 * clip / norm } }
        }
        return thetaBar
    }
}
