// The reverse pass for closed-form mass-action networks (orders 0–2, any molecule counts).

extension StraightThroughGradient {
    /// `reverseLoop`'s algebra in another order, for networks whose laws are all closed-form
    /// mass action (`MassActionAdjointTables`), K ∈ {0, 1, none}. Per event it touches only what
    /// the event changes, except the softmax itself (over the reactions with a_j > 0):
    /// - the waiting-time term ā_j = t̄·∂Δt/∂a_j = T is the same for every j, so its θ̄ part
    ///   Σ_n T_n·a_j(x_n) is summed lazily: a_j is constant between the events that re-evaluate
    ///   it, so each re-evaluation adds a_j·(Σ of T since the last one), from a compensated
    ///   running sum of T (the difference of two large partial sums keeps its accuracy);
    /// - the choice terms go to one accumulator per reaction; θ̄ is formed once at the end;
    /// - (∂a/∂x)ᵀā is gathered per species over the derivatives aimed at it, and the softmax runs
    ///   on pairs of reactions (`choiceTerms`).
    /// Equal to the general loop to rounding (tested). Returns false (θ̄ untouched) when it does
    /// not apply: a supplied or higher-order law, K ≥ 2, or `usesMassActionLoop` off.
    func massActionReverse(finalState: [Int], noiseKey key0: UInt64, barriers: UnsafeBufferPointer<Bool>,
                           times: UnsafeBufferPointer<Double>, reactions: UnsafeBufferPointer<Int32>,
                           tAdj: UnsafeBufferPointer<Double>, xAdj: UnsafeBufferPointer<Double>,
                           k: UnsafePointer<Double>, thetaBar tb: UnsafeMutableBufferPointer<Double>) -> Bool {
        let truncation = options.truncation
        guard usesMassActionLoop, let tables = massAction, (truncation ?? 0) <= 1 else { return false }
        let m = tables.reactionCount, sCount = tables.speciesCount
        let size = MassActionScratch.size(paddedCount: tables.paddedCount, sCount: sCount)
        let block = UnsafeMutablePointer<Double>.allocate(capacity: size)
        let x = UnsafeMutablePointer<Int>.allocate(capacity: sCount + 1)
        defer { block.deallocate(); x.deallocate() }
        block.initialize(repeating: 0, count: size)
        let scratch = MassActionScratch(block: block, paddedCount: tables.paddedCount, sCount: sCount)
        for s in 0..<sCount { x[s] = finalState[s] }
        x[sCount] = 1
        switch (truncation == nil, options.temperature == 0.5) {
        case (true, true): massActionSteps(ChainFlags<True, True>.self, tables, scratch, x: x, key0: key0, barriers: barriers,
                                           times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, k: k)
        case (true, false): massActionSteps(ChainFlags<True, False>.self, tables, scratch, x: x, key0: key0, barriers: barriers,
                                            times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, k: k)
        case (false, true): massActionSteps(ChainFlags<False, True>.self, tables, scratch, x: x, key0: key0, barriers: barriers,
                                            times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, k: k)
        case (false, false): massActionSteps(ChainFlags<False, False>.self, tables, scratch, x: x, key0: key0, barriers: barriers,
                                             times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, k: k)
        }
        for j in 0..<m { tb[tables.rateParameter[j]] += scratch.choice[j] + scratch.timeSum[j] }
        return true
    }

    /// The event loop; leaves the per-reaction θ̄ parts in `scratch.choice` and `scratch.timeSum`.
    private func massActionSteps<Flags: ChainReverseMode>(_ flags: Flags.Type, _ tables: MassActionAdjointTables,
                                                          _ scratch: MassActionScratch, x: UnsafeMutablePointer<Int>,
                                                          key0: UInt64, barriers: UnsafeBufferPointer<Bool>,
                                                          times: UnsafeBufferPointer<Double>, reactions: UnsafeBufferPointer<Int32>,
                                                          tAdj: UnsafeBufferPointer<Double>, xAdj: UnsafeBufferPointer<Double>,
                                                          k: UnsafePointer<Double>) {
        let m = tables.reactionCount, paddedCount = tables.paddedCount, sCount = tables.speciesCount, n = times.count
        let carries = options.truncation != 0, untruncated = Flags.untruncated
        let first = tables.first, second = tables.second, offset = tables.offset
        let changeStart = kernel.changeStart, changeSpecies = kernel.changeSpecies, changeDelta = kernel.changeDelta
        let dependentStart = tables.dependentStart, dependents = tables.dependents
        let termStart = tables.termStart, termSlot = tables.termSlot, termReaction = tables.termReaction
        let a = scratch.a, derivative = scratch.derivative, stampHi = scratch.stampHi, stampLo = scratch.stampLo
        let timeSum = scratch.timeSum, aBar = scratch.aBar, xBar = scratch.xBar

        // a and ∂a at the final state; x̄′ of the last segment.
        var active = 0
        for j in 0..<m { active &+= evaluate(j, x, k, first, second, offset, a, derivative) > 0 ? 1 : 0 }
        if carries { for s in 0..<sCount { xBar[s] = xAdj[n * sCount + s] } }
        // U = Σ T over the events done so far, as hi + lo (Knuth's two-sum).
        var uHi = 0.0, uLo = 0.0
        var timeBar = 0.0
        var event = n
        while event >= 1 {
            let r = Int(reactions[event - 1])
            timeBar += tAdj[event - 1]
            var live = false
            if carries { for s in 0..<sCount where xBar[s] != 0 { live = true; break } }
            // Back to the state before the event; re-evaluate what reads it, settling first the
            // waiting-time sum of the value that ends here.
            for i in changeStart[r]..<changeStart[r + 1] { x[changeSpecies[i]] &-= changeDelta[i] }
            for i in dependentStart[r]..<dependentStart[r + 1] {
                let j = dependents[i]
                let old = a[j]
                timeSum[j] += old * ((uHi - stampHi[j]) + (uLo - stampLo[j]))
                stampHi[j] = uHi
                stampLo[j] = uLo
                let now = evaluate(j, x, k, first, second, offset, a, derivative)
                active &+= (now > 0 ? 1 : 0) &- (old > 0 ? 1 : 0)
            }
            let a0 = Self.sum(a, paddedCount)
            let dt = times[event - 1] - (event >= 2 ? times[event - 2] : 0)
            // Waiting time Δt = E/a0: ∂Δt/∂a_j = −Δt/a0 for every j.
            let term = -timeBar * dt / a0
            // Choice: y = softmax(z/τ) with the regenerated noise; ā_j = (1/τ)(y_j/a_j)(ȳ_j − Σ_k y_k ȳ_k)/Σy,
            // left in aBar (0 for a_j = 0), its θ̄ part ā_j·a_j in `choice`.
            let chose = live && active >= 2
            if chose {
                choiceTerms(Flags.self, tables, scratch, chosen: r, event: event, key0: key0, pair: active == 2, a0: a0)
            }
            // U += T, exactly as hi + lo.
            let sum = uHi + term, back = sum - uHi
            uLo += (uHi - (sum - back)) + (term - back)
            uHi = sum
            // x̄′ of the previous event: (∂a/∂x)ᵀā with ā_j = aBar_j + T, plus the loss's direct
            // adjoint (plus the carried adjoint when untruncated, unless a barrier stops it here).
            if carries {
                let base = (event - 1) * sCount
                let keep = untruncated && (barriers.isEmpty || !barriers[event - 1])
                for s in 0..<sCount {
                    var c = 0.0
                    if chose {
                        for t in termStart[s]..<termStart[s + 1] { c += (aBar[termReaction[t]] + term) * derivative[termSlot[t]] }
                    } else {
                        for t in termStart[s]..<termStart[s + 1] { c += derivative[termSlot[t]] }
                        c *= term
                    }
                    xBar[s] = (keep ? xBar[s] : 0) + xAdj[base + s] + c
                }
            }
            event -= 1
        }
        // The values still standing hold since the start.
        for j in 0..<m { timeSum[j] += a[j] * ((uHi - stampHi[j]) + (uLo - stampLo[j])) }
    }

    /// The softmax of one event over all (padded) reactions: fills `aBar` and adds ā_j·a_j to
    /// `choice`. At τ = 0.5 it runs on pairs of reactions — one hashed word feeds both noises,
    /// one packed division both weights: with w = a_j·E₀/(a_j·E₀ + E_j·a0), y = w², y/a = w·E₀/(…).
    /// The chosen reaction takes E = 0 (so w = 1, y/a = 1/a_r) and a_j = 0 gives w = 0, so no
    /// lane needs a branch; E > 0 on every other lane keeps the divisor positive.
    @inline(__always)
    private func choiceTerms<Flags: ChainReverseMode>(_ flags: Flags.Type, _ tables: MassActionAdjointTables,
                                                      _ scratch: MassActionScratch, chosen r: Int, event: Int,
                                                      key0: UInt64, pair: Bool, a0: Double) {
        let m = tables.reactionCount, paddedCount = tables.paddedCount
        let width = tables.changeWidth, changeSlot = tables.changeSlot, changeWeight = tables.changeWeight
        let a = scratch.a, dots = scratch.dots, yOverA = scratch.yOverA, aBar = scratch.aBar, choice = scratch.choice
        let xBar = scratch.xBar
        let zig = ExponentialZiggurat.shared
        var noise = EventNoise(noiseKey: key0, event: event, reactionCount: m, pair: pair, zig)
        let e0 = noise.e0
        // ȳ_j = ν_j·x̄′.
        @inline(__always) func dot(_ j: Int) -> Double {
            var d = 0.0
            for e in 0..<width { d += changeWeight[j * width + e] * xBar[changeSlot[j * width + e]] }
            return d
        }
        var norm = 0.0, weighted = 0.0
        if Flags.squarePower {
            var norm2 = SIMD2<Double>(), weighted2 = SIMD2<Double>()
            let lanes = SIMD2<Int64>(0, 1)
            for j in stride(from: 0, to: paddedCount, by: 2) {
                var e: SIMD2<Double>
                if pair {
                    e = SIMD2(repeating: noise.share)
                } else {
                    let word = CounterNoise.word(key: noise.key, counter: UInt64(j >> 1))
                    e = SIMD2(EventNoise.halfExponential(key: noise.key, counter: UInt64(j), word: word, zig),
                              EventNoise.halfExponential(key: noise.key, counter: UInt64(j + 1), word: word, zig))
                }
                e.replace(with: 0, where: lanes &+ Int64(j) .== Int64(r))
                let aj = Self.load2(a + j)
                let ae = aj * e0
                let d = 1 / (ae + e * a0)
                let w = ae * d
                let y = w * w
                let ya = w * e0 * d
                let dj = SIMD2(dot(j), dot(j + 1))
                norm2 += y
                weighted2 += y * dj
                Self.store2(ya, yOverA + j)
                Self.store2(dj, dots + j)
            }
            norm = norm2.sum()
            weighted = weighted2.sum()
        } else {
            let invTau = 1 / options.temperature
            for j in 0..<paddedCount {
                let dj = dot(j)
                var y = 0.0, ya = 0.0                   // a_j = 0: not in the softmax
                if j == r {
                    y = 1; ya = 1 / a[j]
                } else if a[j] > 0 {
                    // (1 + E_j·a0/(a_j·E₀))^(−1/τ) = exp(−(1/τ)·log1p(…)).
                    y = libmExp(-invTau * log1p(noise.exit(j, zig) * a0 / (a[j] * e0)))
                    ya = y / a[j]
                }
                norm += y
                weighted += y * dj
                yOverA[j] = ya
                dots[j] = dj
            }
        }
        let invNorm = 1 / norm
        let mean = SIMD2(repeating: weighted * invNorm)
        let scale = SIMD2(repeating: invNorm / options.temperature)
        for j in stride(from: 0, to: paddedCount, by: 2) {
            let g = scale * Self.load2(yOverA + j) * (Self.load2(dots + j) - mean)
            Self.store2(g, aBar + j)
            Self.store2(Self.load2(choice + j) + g * Self.load2(a + j), choice + j)
        }
    }

    @inline(__always)
    private static func load2(_ p: UnsafeMutablePointer<Double>) -> SIMD2<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD2<Double>.self)
    }

    @inline(__always)
    private static func store2(_ v: SIMD2<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD2<Double>.self)
    }

    /// a_j = k_j·x[first]·(x[second] − offset) and its two partial derivatives; returns a_j.
    @inline(__always)
    private func evaluate(_ j: Int, _ x: UnsafeMutablePointer<Int>, _ k: UnsafePointer<Double>,
                          _ first: UnsafeMutablePointer<Int>, _ second: UnsafeMutablePointer<Int>,
                          _ offset: UnsafeMutablePointer<Int>, _ a: UnsafeMutablePointer<Double>,
                          _ derivative: UnsafeMutablePointer<Double>) -> Double {
        let f = Double(x[first[j]]), g = Double(x[second[j]] &- offset[j])
        let value = k[j] * f * g
        a[j] = value
        derivative[2 * j] = k[j] * g
        derivative[2 * j + 1] = k[j] * f
        return value
    }

    /// Σ a_j over the padded reactions in two interleaved pairs of sums (a0 to rounding; a
    /// shorter dependency chain).
    @inline(__always)
    private static func sum(_ a: UnsafeMutablePointer<Double>, _ paddedCount: Int) -> Double {
        var s0 = SIMD2<Double>(), s1 = SIMD2<Double>()
        var j = 0
        while j + 4 <= paddedCount { s0 += load2(a + j); s1 += load2(a + j + 2); j += 4 }
        if j < paddedCount { s0 += load2(a + j) }
        return (s0 + s1).sum()
    }
}

/// The per-call scratch of `massActionReverse`, carved from one zeroed block: per padded
/// reaction a, ∂a/∂(first, second) (interleaved), the running-sum stamp (hi, lo), the
/// waiting-time and choice accumulators, ȳ, y/a and ā of the choice; x̄′ per slot (S + 1).
struct MassActionScratch {
    let a: UnsafeMutablePointer<Double>
    let derivative: UnsafeMutablePointer<Double>
    let stampHi: UnsafeMutablePointer<Double>
    let stampLo: UnsafeMutablePointer<Double>
    let timeSum: UnsafeMutablePointer<Double>
    let choice: UnsafeMutablePointer<Double>
    let dots: UnsafeMutablePointer<Double>
    let yOverA: UnsafeMutablePointer<Double>
    let aBar: UnsafeMutablePointer<Double>
    let xBar: UnsafeMutablePointer<Double>

    /// Doubles needed for `paddedCount` reactions and S species.
    static func size(paddedCount: Int, sCount: Int) -> Int { 10 * paddedCount + sCount + 1 }

    init(block: UnsafeMutablePointer<Double>, paddedCount mp: Int, sCount: Int) {
        a = block; derivative = a + mp; stampHi = derivative + 2 * mp; stampLo = stampHi + mp
        timeSum = stampLo + mp; choice = timeSum + mp; dots = choice + mp; yOverA = dots + mp
        aBar = yOverA + mp; xBar = aBar + mp
    }
}
