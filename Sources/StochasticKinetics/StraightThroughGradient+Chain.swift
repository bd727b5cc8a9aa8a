// The reverse pass for one molecule on a first-order network (a single channel).

extension StraightThroughGradient {
    /// The reverse pass of `reverseLoop` specialised to a `SingleMoleculeChain`. The state before
    /// event n is the source species of its reaction, a0 is that species' exit rate, and only its
    /// exits compete. Three identities of this case make a step small:
    /// - the waiting-time term ā_j = −t̄′·Δt/a0 is the same for every j, so it is summed per
    ///   species (T_s) and enters θ̄_j = k_j·T_{source j} once at the end; its (∂a/∂x)ᵀ part is
    ///   term·(exit rate of each species), formed only where the previous choice reads it;
    /// - the choice's (∂a/∂x)ᵀā is Σ_j ā_j·k_j = (1/τ)·Σ_j y_j(ȳ_j − ȳ̄)/Σy = 0 (all exits read the
    ///   same species with ∂a_j/∂x = k_j = a_j), so the carried adjoint is the time term alone;
    /// - with two competing exits (chosen c, other o; y_c = 1, y_o = w^(1/τ)) the softmax terms are
    ///   ±(1/τ)·(ȳ_c − ȳ_o)·y_o/(1 + y_o)², ȳ_c − ȳ_o = x̄′(target c) − x̄′(target o); at τ = 0.5
    ///   with P = a_o·E₀, D = P + E_o·a0: y_o/(1 + y_o)² = (P·D/(D² + P²))², one division.
    /// The same algebra as the general loop in another order (equal to rounding, tested);
    /// K ∈ {0, 1, none}. Returns false (θ̄ untouched) when it does not apply.
    func chainReverse(finalState: [Int], noiseKey key0: UInt64, barriers: UnsafeBufferPointer<Bool>, times: UnsafeBufferPointer<Double>,
                      reactions: UnsafeBufferPointer<Int32>, tAdj: UnsafeBufferPointer<Double>,
                      xAdj: StoredStateAdjoint, k: UnsafePointer<Double>,
                      thetaBar tb: UnsafeMutableBufferPointer<Double>) -> Bool {
        // K ≥ 2 keeps several buckets: the general loop. Barriers matter only untruncated (K ≤ 1
        // holds one bucket, which a barrier resets to what it would hold anyway).
        let truncation = options.truncation
        guard usesChainLoop, let chain, (truncation ?? 0) <= 1 else { return false }
        let sCount = chain.speciesCount, m = kernel.reactionCount
        let start: Int? = finalState.withUnsafeBufferPointer { SingleMoleculeChain.occupied($0.baseAddress!, count: sCount) }
        guard start != nil, SingleMoleculeChain.ratesAdmissible(k, count: m) else { return false }
        let steps = ChainReverseTables(chain, rates: k)
        defer { steps.deallocate() }
        // The runner-up relaxation differs from the full softmax only where three or more exits
        // compete: those chains take the mass-action loop.
        if options.relaxation == .runnerUp, (0..<m).contains(where: { steps.other[$0] == -2 }) { return false }
        // One specialised copy per (untruncated?, τ = 0.5?): the loop's branches on them vanish.
        switch (truncation == nil, options.temperature == 0.5) {
        case (true, true): chainSteps(ChainFlags<True, True>.self, key0: key0, barriers: barriers, times: times, reactions: reactions,
                                      tAdj: tAdj, xAdj: xAdj, k: k, steps: steps)
        case (true, false): chainSteps(ChainFlags<True, False>.self, key0: key0, barriers: barriers, times: times, reactions: reactions,
                                       tAdj: tAdj, xAdj: xAdj, k: k, steps: steps)
        case (false, true): chainSteps(ChainFlags<False, True>.self, key0: key0, barriers: barriers, times: times, reactions: reactions,
                                       tAdj: tAdj, xAdj: xAdj, k: k, steps: steps)
        case (false, false): chainSteps(ChainFlags<False, False>.self, key0: key0, barriers: barriers, times: times, reactions: reactions,
                                        tAdj: tAdj, xAdj: xAdj, k: k, steps: steps)
        }
        // Per reaction: the choice terms, and the waiting-time term of every event,
        // ā_j·∂a_j/∂log k_j = term·k_j per event leaving j's source.
        let source = steps.source, timeSum = steps.timeSum, choice = steps.choice
        for j in 0..<m { tb[kernel.rateParameter[j]] += choice[j] + timeSum[source[j]] * k[j] }
        return true
    }

    /// The event loop of `chainReverse`; accumulates into `steps.timeSum` and `steps.choice`.
    private func chainSteps<Flags: ChainReverseMode>(_ flags: Flags.Type, key0: UInt64, barriers: UnsafeBufferPointer<Bool>,
                                                     times: UnsafeBufferPointer<Double>,
                                                     reactions: UnsafeBufferPointer<Int32>, tAdj: UnsafeBufferPointer<Double>,
                                                     xAdj: StoredStateAdjoint, k: UnsafePointer<Double>,
                                                     steps: ChainReverseTables) {
        guard let chain else { return }
        let sCount = chain.speciesCount, m = kernel.reactionCount, n = times.count
        let carries = options.truncation != 0, untruncated = Flags.untruncated
        let invTau = 1 / options.temperature, squarePower = Flags.squarePower
        let power = SurrogatePower(temperature: options.temperature)
        let zig = ExponentialZiggurat.shared
        let exitRate = steps.rates.exitRate, inverseRate = steps.inverseRate, timeSum = steps.timeSum
        let carried = steps.carried, source = steps.source, target = steps.target, other = steps.other
        let dots = steps.dots, weights = steps.weights, choice = steps.choice
        chain.exitStart.withUnsafeBufferPointer { exitStart in
        chain.exitReaction.withUnsafeBufferPointer { exitReaction in
            // x̄′_s, the adjoint of the state after event n: K = 1: previousTerm·a0(s) + the loss's
            // direct adjoint of segment n; untruncated: totalTerm·a0(s) + Σ of the direct
            // adjoints of segments n…N (carried).
            var previousTerm = 0.0, totalTerm = 0.0, timeBar = 0.0
            if untruncated { xAdj.copy(segment: n, to: carried) }
            let direct = StoredStateAdjointReader(xAdj, speciesCount: sCount)
            defer { direct.deallocate() }
            var event = n
            @inline(__always) func stateBar(_ s: Int) -> Double {
                untruncated ? totalTerm * exitRate[s] + carried[s]
                            : previousTerm * exitRate[s] + direct.value(segment: event, species: s)
            }
            while event >= 1 {
                let r = Int(reactions[event - 1])
                let src = source[r]
                timeBar += tAdj[event - 1]
                let dt = times[event - 1] - (event >= 2 ? times[event - 2] : 0)
                let term = -timeBar * dt * inverseRate[r]
                timeSum[src] += term
                let o = other[r]
                if carries && o >= 0 {
                    // Two competing exits.
                    let delta = stateBar(target[r]) - stateBar(target[o])
                    if delta != 0 {
                        var noise = EventNoise(noiseKey: key0, event: event, reactionCount: m, pair: true, zig)
                        let e0 = noise.e0, eo = noise.exit(o, zig)
                        let weight: Double
                        if squarePower {
                            let p = k[o] * e0, d = p + eo * exitRate[src]
                            let h = p * d / (d * d + p * p)
                            weight = h * h
                        } else {
                            let y = power.weight(ratio: eo * exitRate[src] / (k[o] * e0))
                            weight = y / ((1 + y) * (1 + y))
                        }
                        let g = invTau * delta * weight
                        choice[r] += g
                        choice[o] -= g
                    }
                } else if carries && o == -2 {
                    // Three or more: the softmax in full, ā_j·a_j = (1/τ)·y_j(ȳ_j − ȳ̄)/Σy.
                    let here = stateBar(src)
                    let first = exitStart[src], last = exitStart[src + 1]
                    var differ = false
                    for i in first..<last {
                        dots[i] = stateBar(target[Int(exitReaction[i])]) - here
                        differ = differ || dots[i] != dots[first]
                    }
                    if differ {
                        let a0 = exitRate[src]
                        var noise = EventNoise(noiseKey: key0, event: event, reactionCount: m, pair: false, zig)
                        let e0 = noise.e0
                        var norm = 0.0, mean = 0.0
                        for i in first..<last {
                            let j = Int(exitReaction[i]), aj = k[j]
                            var y = 0.0                         // a_j = 0: not in the softmax
                            if j == r {
                                y = 1
                            } else if aj > 0 {
                                let ej = noise.exit(j, zig)
                                if squarePower {
                                    let ae = aj * e0, w = ae / (ae + ej * a0)
                                    y = w * w
                                } else {
                                    y = power.weight(ratio: ej * a0 / (aj * e0))
                                }
                            }
                            weights[i] = y
                            norm += y
                            mean += y * dots[i]
                        }
                        let scale = invTau / norm
                        mean /= norm
                        for i in first..<last where weights[i] > 0 {
                            choice[Int(exitReaction[i])] += scale * weights[i] * (dots[i] - mean)
                        }
                    }
                }
                if untruncated {
                    // A barrier restarts the carried adjoint from this event's own terms.
                    let cut = !barriers.isEmpty && barriers[event - 1]
                    totalTerm = cut ? term : totalTerm + term
                    if cut { for s in 0..<sCount { carried[s] = 0 } }
                    xAdj.add(segment: event - 1, to: carried)
                } else {
                    previousTerm = term
                }
                event -= 1
            }
        }}
    }

}

/// Compile-time flags of one copy of the chain reverse loop.
protocol ChainReverseMode {
    /// No truncation (the state adjoint is carried to the start).
    static var untruncated: Bool { get }
    /// τ = 0.5, where the surrogate weights are squares (no exp/log).
    static var squarePower: Bool { get }
}

/// `ChainReverseMode` from two type-level Booleans.
enum ChainFlags<Untruncated: TypeBool, Square: TypeBool>: ChainReverseMode {
    static var untruncated: Bool { Untruncated.value }
    static var squarePower: Bool { Square.value }
}
/// Per-trajectory tables of the chain reverse pass, in two blocks.
struct ChainReverseTables {
    let rates: ChainRates
    /// 1/a0 of the source per reaction (0 if it never fires); T_s per species; the carried
    /// adjoint (untruncated); the choice terms of θ̄ per reaction.
    let inverseRate: UnsafeMutablePointer<Double>
    let timeSum: UnsafeMutablePointer<Double>
    let choice: UnsafeMutablePointer<Double>
    let carried: UnsafeMutablePointer<Double>
    /// ȳ and y per exit (softmax over three or more exits).
    let dots: UnsafeMutablePointer<Double>
    let weights: UnsafeMutablePointer<Double>
    /// Per reaction: source and target species, and the other competing exit of its source
    /// (−1: it competes with none; −2: with two or more, or it never fires).
    let source: UnsafeMutablePointer<Int>
    let target: UnsafeMutablePointer<Int>
    let other: UnsafeMutablePointer<Int>

    init(_ chain: SingleMoleculeChain, rates k: UnsafePointer<Double>) {
        rates = ChainRates(chain, rates: k)
        let sCount = chain.speciesCount, exits = chain.exitReaction.count, m = chain.reactionSource.count
        let size = 2 * m + 2 * sCount + 2 * exits + 1
        inverseRate = .allocate(capacity: size)
        inverseRate.initialize(repeating: 0, count: size)
        choice = inverseRate + m; timeSum = choice + m; carried = timeSum + sCount; dots = carried + sCount; weights = dots + exits
        source = .allocate(capacity: 3 * max(m, 1))
        target = source + m; other = target + m
        for s in 0..<sCount {
            let positive = (chain.exitStart[s]..<chain.exitStart[s + 1]).map { Int(chain.exitReaction[$0]) }.filter { k[$0] > 0 }
            for i in chain.exitStart[s]..<chain.exitStart[s + 1] {
                let j = Int(chain.exitReaction[i])
                source[j] = s
                inverseRate[j] = rates.exitRate[s] > 0 ? 1 / rates.exitRate[s] : 0
                target[j] = Int(chain.exitTarget[i])
                switch positive.count {
                case 0, 1: other[j] = -1
                case 2 where k[j] > 0: other[j] = positive[0] == j ? positive[1] : positive[0]
                default: other[j] = -2
                }
            }
        }
    }

    func deallocate() {
        rates.deallocate(); inverseRate.deallocate(); source.deallocate()
    }
}
