// The reverse pass for a two-reaction mass-action network (a reversible reaction, e.g. 2A ⇌ A₂).

extension StraightThroughGradient {
    /// `massActionSteps` for M = 2, where every step with a choice is the two-competitor closed
    /// form (`pairWeight`). With δ = ȳ_0 − ȳ_1 = (ν_0 − ν_1)·x̄′ and g = (1/τ)·y_o/(1 + y_o)²
    /// (o the reaction not chosen): ā_0·a_0 = g·δ and ā_1·a_1 = −g·δ whichever reaction fired —
    /// only g depends on the choice, so the step has no branch on it.
    ///
    /// The carried adjoint enters only through δ, and the next δ is linear in this one:
    /// x̄′_{n−1} = [x̄′_n] + x̄_n + Σ_j (ā_j + T_n)·∇a_j with ā_j = c_j·δ_n, so with ρ_j = (ν_0 − ν_1)·∇a_j
    /// δ_{n−1} = [δ_n] + β_n + γ_n·δ_n, β_n = (ν_0 − ν_1)·x̄_n + T_n·(ρ_0 + ρ_1), γ_n = c_0·ρ_0 + c_1·ρ_1
    /// ([·]: untruncated and no barrier; x̄_n the loss's direct adjoint of that state). Everything
    /// but that scalar recursion is independent from event to event, so events run in blocks of
    /// `twoReactionBlock`: a first pass walks the state back through the block (state,
    /// propensities, noise, g, β, γ, the waiting-time term), a second runs the recursion. If
    /// x̄′ = 0, δ = 0 and the choice adds exactly 0, as the general loop's skip does. Returns
    /// the per-reaction θ̄ parts (choice + waiting time).
    func twoReactionSteps<Flags: ChainReverseMode>(_ flags: Flags.Type, _ tables: MassActionAdjointTables,
                                                   x: UnsafeMutablePointer<Int>, key0: UInt64,
                                                   barriers: UnsafeBufferPointer<Bool>, times: UnsafeBufferPointer<Double>,
                                                   reactions: UnsafeBufferPointer<Int32>, tAdj: UnsafeBufferPointer<Double>,
                                                   xAdj: StoredStateAdjoint, k: UnsafePointer<Double>) -> SIMD2<Double> {
        let sCount = tables.speciesCount, n = times.count, blockSize = Self.twoReactionBlock
        let carries = options.truncation != 0, untruncated = Flags.untruncated
        let power = SurrogatePower(temperature: options.temperature), invTau = power.inverseTemperature
        let first = tables.first, second = tables.second, offset = tables.offset
        let changeStart = kernel.changeStart, changeSpecies = kernel.changeSpecies, changeDelta = kernel.changeDelta
        // ν_0 − ν_1 over S + 1 slots (slot S, the constant, 0); per event of a block g, β and
        // γ + [the carried adjoint continues].
        let block = UnsafeMutablePointer<Double>.allocate(capacity: sCount + 1 + 3 * blockSize)
        defer { block.deallocate() }
        block.initialize(repeating: 0, count: sCount + 1 + 3 * blockSize)
        let nuDifference = block, gain = block + sCount + 1, beta = gain + blockSize, gamma = beta + blockSize
        for j in 0..<2 {
            for i in changeStart[j]..<changeStart[j + 1] { nuDifference[changeSpecies[i]] += Double(j == 0 ? changeDelta[i] : -changeDelta[i]) }
        }
        @inline(__always) func projectedAdjoint(_ segment: Int) -> Double {
            xAdj.dot(segment: segment, nuDifference)
        }
        let f0 = first[0], s0 = second[0], f1 = first[1], s1 = second[1]
        // (ν_0 − ν_1)·∂a_j/∂x per unit of the other factor: ρ_j = k_j·(ν[f]·(x[s] − off) + ν[s]·x[f]).
        let nuF0 = nuDifference[f0], nuS0 = nuDifference[s0], nuF1 = nuDifference[f1], nuS1 = nuDifference[s1]
        var delta = carries ? projectedAdjoint(n) : 0
        var choice = 0.0                                     // ā_0·a_0 = −ā_1·a_1, summed
        var timeSum = SIMD2<Double>()
        var timeBar = 0.0
        let zig = ExponentialZiggurat.shared
        var top = n                                          // the block is events top, top − 1, …
        while top >= 1 {
            let count = min(blockSize, top)
            // Pass 1: everything that does not read the carried adjoint.
            for i in 0..<count {
                let event = top - i
                let r = Int(reactions[event - 1])
                timeBar += tAdj[event - 1]
                for c in changeStart[r]..<changeStart[r + 1] { x[changeSpecies[c]] &-= changeDelta[c] }
                let x00 = Double(x[f0]), x01 = Double(x[s0] &- offset[0])
                let x10 = Double(x[f1]), x11 = Double(x[s1] &- offset[1])
                let a0v = k[0] * x00 * x01, a1v = k[1] * x10 * x11
                let a0 = a0v + a1v
                let dt = times[event - 1] - (event >= 2 ? times[event - 2] : 0)
                let term = -timeBar * dt / a0
                timeSum += term * SIMD2(a0v, a1v)
                guard carries else { continue }
                let rho0 = k[0] * (nuF0 * x01 + nuS0 * x00), rho1 = k[1] * (nuF1 * x11 + nuS1 * x10)
                var g = 0.0, c0 = 0.0, c1 = 0.0
                if a0v > 0 && a1v > 0 {
                    let noise = EventNoise(noiseKey: key0, event: event, reactionCount: 2, pair: true, zig)
                    let pair = Self.pairWeight(Flags.self, other: r == 0 ? a1v : a0v, e0: noise.e0, share: noise.share, a0: a0,
                                               product: a0v * a1v, power: power)
                    g = pair.weight * invTau
                    c0 = pair.safe ? g * (a1v * pair.inverseProduct) : g / a0v
                    c1 = pair.safe ? -g * (a0v * pair.inverseProduct) : -g / a1v
                }
                gain[i] = g
                beta[i] = projectedAdjoint(event - 1) + term * (rho0 + rho1)
                // [δ_n] + γ_n·δ_n = (kept + γ_n)·δ_n: one multiply-add on the recursion's chain.
                let kept: Double = untruncated && (barriers.isEmpty || !barriers[event - 1]) ? 1 : 0
                gamma[i] = kept + (c0 * rho0 + c1 * rho1)
            }
            // Pass 2: the recursion for δ.
            if carries {
                for i in 0..<count {
                    choice += gain[i] * delta
                    delta = beta[i] + gamma[i] * delta
                }
            }
            top -= count
        }
        return timeSum + SIMD2(choice, -choice)
    }

    /// Events per block of `twoReactionSteps` (per-event buffers: 3 doubles each). Measured on the
    /// dimerization: 8–16 best; 64 ~4 % and 256 ~5 % slower.
    static let twoReactionBlock = 16
}
