// The reverse pass for one molecule on a first-order network (a single channel).

extension StraightThroughGradient {
    /// The reverse pass of `reverseLoop` specialised to a `SingleMoleculeChain`: the state before
    /// event n is the source species of its reaction, a0 is that species' exit rate, and only
    /// its exits compete. The waiting-time term ā_j = −t̄′·Δt/a0 is the same for every reaction
    /// j, so its contributions are summed lazily: per species T_s = Σ(term over events leaving
    /// s) gives θ̄_j += k_j·T_{source j} once at the end, and (∂a/∂x)ᵀ of the term is
    /// term·(exit rate of each species), formed only where the next (earlier) choice reads it.
    /// The same algebra as the general loop in another summation order (equal to ~1e-15
    /// relative, tested); K ∈ {0, 1, none}. Returns false (θ̄ untouched) when it does not apply.
    func chainReverse(finalState: [Int], noiseKey key0: UInt64, hasBarriers: Bool, times: UnsafeBufferPointer<Double>,
                      reactions: UnsafeBufferPointer<Int32>, tAdj: UnsafeBufferPointer<Double>,
                      xAdj: UnsafeBufferPointer<Double>, k: UnsafePointer<Double>,
                      thetaBar tb: UnsafeMutableBufferPointer<Double>) -> Bool {
        // K ≥ 2 keeps several buckets, and barriers cut an untruncated adjoint: the general loop.
        let truncation = options.truncation
        guard usesChainLoop, let chain, (truncation ?? 0) <= 1, !(truncation == nil && hasBarriers) else { return false }
        let sCount = chain.speciesCount, m = kernel.reactionCount, n = times.count
        let start: Int? = finalState.withUnsafeBufferPointer { SingleMoleculeChain.occupied($0.baseAddress!, count: sCount) }
        guard start != nil, SingleMoleculeChain.ratesAdmissible(k, count: m) else { return false }
        let tables = ChainRates(chain, rates: k)
        defer { tables.deallocate() }
        // Scratch: per species T_s, 1/a0, the carried adjoint (untruncated) and the choice part
        // of (∂a/∂x)ᵀā; per exit y/a and ȳ.
        let exits = chain.exitReaction.count
        let block = UnsafeMutablePointer<Double>.allocate(capacity: 4 * sCount + 2 * exits + 1)
        defer { block.deallocate() }
        block.initialize(repeating: 0, count: 4 * sCount + 2 * exits + 1)
        let timeSum = block, inverseRate = block + sCount, carried = block + 2 * sCount, choiceSum = block + 3 * sCount
        let yOverA = block + 4 * sCount, dots = yOverA + exits
        var positiveExits = [Int](repeating: 0, count: sCount)
        for s in 0..<sCount {
            inverseRate[s] = tables.exitRate[s] > 0 ? 1 / tables.exitRate[s] : 0
            for i in chain.exitStart[s]..<chain.exitStart[s + 1] where k[Int(chain.exitReaction[i])] > 0 { positiveExits[s] += 1 }
        }
        let carries = options.truncation != 0, untruncated = options.truncation == nil
        let invTau = 1 / options.temperature, squarePower = options.temperature == 0.5
        let zig = ExponentialZiggurat.shared
        let rateParameter = kernel.rateParameter, exitRate = tables.exitRate
        chain.exitStart.withUnsafeBufferPointer { exitStart in
        chain.exitReaction.withUnsafeBufferPointer { exitReaction in
        chain.exitTarget.withUnsafeBufferPointer { exitTarget in
        chain.reactionSource.withUnsafeBufferPointer { source in
        positiveExits.withUnsafeBufferPointer { competing in
            // The adjoint of the state after event n, x̄′_s (K = 1):
            //   previousTerm·a0(s) + [s = previous source]·previousChoice + xAdj[n·S + s];
            // untruncated: the sums of those over all later events (carried, choiceSum, timeSum).
            var previousTerm = 0.0, previousChoice = 0.0, previousSource = -1
            var timeBar = 0.0, totalTerm = 0.0
            if untruncated { for s in 0..<sCount { carried[s] = xAdj[n * sCount + s] } }
            @inline(__always) func stateBar(_ s: Int, _ base: Int) -> Double {
                if untruncated { return totalTerm * exitRate[s] + choiceSum[s] + carried[s] }
                return previousTerm * exitRate[s] + (s == previousSource ? previousChoice : 0) + xAdj[base + s]
            }
            var event = n
            while event >= 1 {
                let r = Int(reactions[event - 1])
                let src = source[r]
                timeBar += tAdj[event - 1]
                let dt = times[event - 1] - (event >= 2 ? times[event - 2] : 0)
                let term = -timeBar * dt * inverseRate[src]
                timeSum[src] += term
                var choice = 0.0
                if carries && competing[src] >= 2 {
                    // ȳ_j = ν_j·x̄′ = x̄′(target) − x̄′(source); equal ȳ give ℓ̄ = 0 (no noise needed).
                    let base = event * sCount
                    let here = stateBar(src, base)
                    let first = exitStart[src], last = exitStart[src + 1]
                    var differ = false
                    for i in first..<last {
                        let target = Int(exitTarget[i])
                        dots[i] = target == src ? 0 : stateBar(target, base) - here
                        differ = differ || dots[i] != dots[first]
                    }
                    if differ {
                        let a0 = exitRate[src]
                        let key = Self.eventKey(key0, event)
                        let e0 = CounterNoise.exponential(key: key, counter: UInt64(m), zig)
                        var norm = 0.0, mean = 0.0
                        for i in first..<last {
                            let j = Int(exitReaction[i]), aj = k[j]
                            guard aj > 0 else { continue }
                            var y: Double, ya: Double
                            if j == r {
                                y = 1; ya = 1 / aj
                            } else if squarePower {
                                let ae = aj * e0
                                let d = 1 / (ae + CounterNoise.exponential(key: key, counter: UInt64(j), zig) * a0)
                                let w = ae * d
                                y = w * w; ya = w * e0 * d
                            } else {
                                y = libmExp(-invTau * log1p(CounterNoise.exponential(key: key, counter: UInt64(j), zig) * a0 / (aj * e0)))
                                ya = y / aj
                            }
                            norm += y
                            mean += y * dots[i]
                            yOverA[i] = ya
                        }
                        let invNorm = 1 / norm
                        mean *= invNorm
                        let scale = invTau * invNorm
                        for i in first..<last {
                            let j = Int(exitReaction[i]), aj = k[j]
                            guard aj > 0 else { continue }
                            let abar = scale * yOverA[i] * (dots[i] - mean)
                            tb[rateParameter[j]] += abar * aj
                            choice += abar * aj
                        }
                    }
                }
                if untruncated {
                    totalTerm += term
                    choiceSum[src] += choice
                    for s in 0..<sCount { carried[s] += xAdj[(event - 1) * sCount + s] }
                } else {
                    previousTerm = term; previousChoice = choice; previousSource = src
                }
                event -= 1
            }
        }}}}}
        // The waiting-time term of every event: ā_j·∂a_j/∂log k_j = term·k_j per event leaving j's source.
        for j in 0..<m { tb[rateParameter[j]] += timeSum[kernel.speciesA[j]] * k[j] }
        return true
    }
}
