// The reverse pass for closed-form mass-action networks (orders 0–2, any molecule counts).

extension StraightThroughGradient {
    /// `reverseLoop`'s algebra in another order, for networks whose laws are all closed-form
    /// mass action (`MassActionAdjointTables`), K ∈ {0, 1, none}. What a step does beyond the
    /// softmax itself is proportional to what the event changes, plus a few dense passes:
    /// - the waiting-time term ā_j = t̄·∂Δt/∂a_j = T is the same for every j: its θ̄ part T·a_j
    ///   goes to one accumulator per reaction (a dense pass the core vectorises) and its state
    ///   part rides along with the choice's ā in the gather below;
    /// - the choice terms ā_j·a_j go to one accumulator per reaction; θ̄ is formed once at the end;
    /// - (∂a/∂x)ᵀā is gathered per species over the derivatives aimed at it (no read-modify-write
    ///   chains through memory);
    /// - the softmax runs on pairs of reactions (`choiceTerms`), and with exactly two competitors
    ///   in closed form (`pairTerms`); a two-reaction network takes `twoReactionSteps`.
    /// Equal to the general loop to rounding (tested). Returns false (θ̄ untouched) when it does
    /// not apply: a supplied or higher-order law, K ≥ 2, or `usesMassActionLoop` off.
    func massActionReverse(finalState: [Int], noiseKey key0: UInt64, barriers: UnsafeBufferPointer<Bool>,
                           times: UnsafeBufferPointer<Double>, reactions: UnsafeBufferPointer<Int32>,
                           runnerUps: UnsafeBufferPointer<Int16>, tAdj: UnsafeBufferPointer<Double>, xAdj: StoredStateAdjoint,
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
        if m == 2 {
            let parts: SIMD2<Double>
            switch (truncation == nil, options.temperature == 0.5) {
            case (true, true): parts = twoReactionSteps(ChainFlags<True, True>.self, tables, x: x, key0: key0, barriers: barriers,
                                                        times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, k: k)
            case (true, false): parts = twoReactionSteps(ChainFlags<True, False>.self, tables, x: x, key0: key0, barriers: barriers,
                                                         times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, k: k)
            case (false, true): parts = twoReactionSteps(ChainFlags<False, True>.self, tables, x: x, key0: key0, barriers: barriers,
                                                         times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, k: k)
            case (false, false): parts = twoReactionSteps(ChainFlags<False, False>.self, tables, x: x, key0: key0, barriers: barriers,
                                                          times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, k: k)
            }
            tb[kernel.rateParameter[0]] += parts[0]
            tb[kernel.rateParameter[1]] += parts[1]
            return true
        }
        switch (truncation == nil, options.temperature == 0.5) {
        case (true, true): sparseSteps(ChainFlags<True, True>.self, tables, scratch, x: x, key0: key0, barriers: barriers,
                                       times: times, reactions: reactions, runnerUps: runnerUps, tAdj: tAdj, xAdj: xAdj, k: k)
        case (true, false): sparseSteps(ChainFlags<True, False>.self, tables, scratch, x: x, key0: key0, barriers: barriers,
                                        times: times, reactions: reactions, runnerUps: runnerUps, tAdj: tAdj, xAdj: xAdj, k: k)
        case (false, true): sparseSteps(ChainFlags<False, True>.self, tables, scratch, x: x, key0: key0, barriers: barriers,
                                        times: times, reactions: reactions, runnerUps: runnerUps, tAdj: tAdj, xAdj: xAdj, k: k)
        case (false, false): sparseSteps(ChainFlags<False, False>.self, tables, scratch, x: x, key0: key0, barriers: barriers,
                                         times: times, reactions: reactions, runnerUps: runnerUps, tAdj: tAdj, xAdj: xAdj, k: k)
        }
        for j in 0..<m { tb[kernel.rateParameter[j]] += scratch.choice[j] + scratch.timeSum[j] }
        return true
    }

    /// The event loop of the relaxation in use (`recordedRunnerUpSteps` when the forward recorded
    /// the runner-ups, else `runnerUpSteps`, or `massActionSteps`).
    @inline(__always)
    private func sparseSteps<Flags: ChainReverseMode>(_ flags: Flags.Type, _ tables: MassActionAdjointTables,
                                                      _ scratch: MassActionScratch, x: UnsafeMutablePointer<Int>,
                                                      key0: UInt64, barriers: UnsafeBufferPointer<Bool>,
                                                      times: UnsafeBufferPointer<Double>, reactions: UnsafeBufferPointer<Int32>,
                                                      runnerUps: UnsafeBufferPointer<Int16>,
                                                      tAdj: UnsafeBufferPointer<Double>, xAdj: StoredStateAdjoint,
                                                      k: UnsafePointer<Double>) {
        if options.relaxation == .runnerUp && runnerUps.count == times.count && times.count > 0 {
            recordedRunnerUpSteps(Flags.self, tables, scratch, x: x, key0: key0, barriers: barriers, times: times,
                                  reactions: reactions, runnerUps: runnerUps, tAdj: tAdj, xAdj: xAdj, k: k)
        } else if options.relaxation == .runnerUp {
            runnerUpSteps(Flags.self, tables, scratch, x: x, key0: key0, barriers: barriers, times: times, reactions: reactions,
                          tAdj: tAdj, xAdj: xAdj, k: k)
        } else {
            massActionSteps(Flags.self, tables, scratch, x: x, key0: key0, barriers: barriers, times: times, reactions: reactions,
                            tAdj: tAdj, xAdj: xAdj, k: k)
        }
    }

    /// The event loop; leaves the per-reaction θ̄ parts in `scratch.choice` and `scratch.timeSum`.
    private func massActionSteps<Flags: ChainReverseMode>(_ flags: Flags.Type, _ tables: MassActionAdjointTables,
                                                          _ scratch: MassActionScratch, x: UnsafeMutablePointer<Int>,
                                                          key0: UInt64, barriers: UnsafeBufferPointer<Bool>,
                                                          times: UnsafeBufferPointer<Double>, reactions: UnsafeBufferPointer<Int32>,
                                                          tAdj: UnsafeBufferPointer<Double>, xAdj: StoredStateAdjoint,
                                                          k: UnsafePointer<Double>) {
        let m = tables.reactionCount, sCount = tables.speciesCount, n = times.count
        let carries = options.truncation != 0, untruncated = Flags.untruncated
        let power = SurrogatePower(temperature: options.temperature)
        let first = tables.first, second = tables.second, offset = tables.offset
        let changeStart = kernel.changeStart, changeSpecies = kernel.changeSpecies, changeDelta = kernel.changeDelta
        let dependentStart = kernel.dependentStart, dependents = kernel.dependents
        let termStart = tables.termStart, termSlot = tables.termSlot, termReaction = tables.termReaction
        let a = scratch.a, derivative = scratch.derivative
        let timeSum = scratch.timeSum, aBar = scratch.aBar, xBar = scratch.xBar

        // a and ∂a at the final state; x̄′ of the last segment.
        var active = 0
        for j in 0..<m { active &+= evaluate(j, x, k, first, second, offset, a, derivative) > 0 ? 1 : 0 }
        if carries { xAdj.copy(segment: n, to: xBar) }
        var timeBar = 0.0
        var event = n
        while event >= 1 {
            let r = Int(reactions[event - 1])
            timeBar += tAdj[event - 1]
            var live = false
            if carries { for s in 0..<sCount where xBar[s] != 0 { live = true; break } }
            // Back to the state before the event; re-evaluate what reads it.
            for i in changeStart[r]..<changeStart[r + 1] { x[changeSpecies[i]] &-= changeDelta[i] }
            for i in dependentStart[r]..<dependentStart[r + 1] {
                let j = dependents[i]
                let old = a[j]
                let now = evaluate(j, x, k, first, second, offset, a, derivative)
                active &+= (now > 0 ? 1 : 0) &- (old > 0 ? 1 : 0)
            }
            let a0 = Self.sum(a, m)
            let dt = times[event - 1] - (event >= 2 ? times[event - 2] : 0)
            // Waiting time Δt = E/a0: ∂Δt/∂a_j = −Δt/a0 for every j.
            let term = -timeBar * dt / a0
            // Choice: y = softmax(z/τ) with the regenerated noise; ā_j = (1/τ)(y_j/a_j)(ȳ_j − Σ_k y_k ȳ_k)/Σy,
            // left in aBar (0 for a_j = 0), its θ̄ part ā_j·a_j in `choice`.
            let chose = live && active >= 2
            if chose {
                if active == 2 {
                    pairTerms(Flags.self, tables, scratch, chosen: r, event: event, key0: key0, a0: a0, power: power)
                } else {
                    choiceTerms(Flags.self, tables, scratch, chosen: r, event: event, key0: key0, a0: a0)
                }
            }
            // The waiting-time part of θ̄: T·∂a_j/∂log k_j = T·a_j.
            for j in 0..<m { timeSum[j] += term * a[j] }
            // x̄′ of the previous event: (∂a/∂x)ᵀā with ā_j = aBar_j + T, plus the loss's direct
            // adjoint (plus the carried adjoint when untruncated, unless a barrier stops it here).
            if carries {
                let keep = untruncated && (barriers.isEmpty || !barriers[event - 1])
                for s in 0..<sCount {
                    var c = 0.0
                    if chose {
                        for t in termStart[s]..<termStart[s + 1] { c += (aBar[termReaction[t]] + term) * derivative[termSlot[t]] }
                    } else {
                        for t in termStart[s]..<termStart[s + 1] { c += derivative[termSlot[t]] }
                        c *= term
                    }
                    xBar[s] = (keep ? xBar[s] : 0) + c
                }
                xAdj.add(segment: event - 1, to: xBar)
            }
            event -= 1
        }
    }

    /// a_j = k_j·x[first]·(x[second] − offset) and its two partial derivatives; returns a_j.
    @inline(__always)
    func evaluate(_ j: Int, _ x: UnsafeMutablePointer<Int>, _ k: UnsafePointer<Double>,
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

    /// a0 = Σ a_j in network order (as the forward pass and the oracle sum it). Scalar loads on
    /// purpose: a packed load of values just stored one by one would stall on store forwarding.
    @inline(__always)
    static func sum(_ a: UnsafeMutablePointer<Double>, _ m: Int) -> Double {
        var a0 = 0.0
        for j in 0..<m { a0 += a[j] }
        return a0
    }
}

/// The per-call scratch of `massActionReverse`, carved from one zeroed block: per padded
/// reaction a, ∂a/∂(first, second) (interleaved), the
/// waiting-time and choice accumulators, ȳ, y/a, ā and the noise E of the choice; x̄′ per slot (S + 1).
struct MassActionScratch {
    let a: UnsafeMutablePointer<Double>
    let derivative: UnsafeMutablePointer<Double>
    let timeSum: UnsafeMutablePointer<Double>
    let choice: UnsafeMutablePointer<Double>
    let dots: UnsafeMutablePointer<Double>
    let yOverA: UnsafeMutablePointer<Double>
    let aBar: UnsafeMutablePointer<Double>
    let exits: UnsafeMutablePointer<Double>
    let xBar: UnsafeMutablePointer<Double>

    /// Doubles needed for `paddedCount` reactions and S species.
    static func size(paddedCount: Int, sCount: Int) -> Int { 9 * paddedCount + sCount + 1 }

    init(block: UnsafeMutablePointer<Double>, paddedCount mp: Int, sCount: Int) {
        a = block; derivative = a + mp
        timeSum = derivative + 2 * mp; choice = timeSum + mp; dots = choice + mp; yOverA = dots + mp
        aBar = yOverA + mp; exits = aBar + mp; xBar = exits + mp
    }
}
