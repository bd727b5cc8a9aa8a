// The reverse pass over one recorded trajectory (see `StraightThroughGradient` for the algebra).

extension StraightThroughGradient {
    // MARK: - Reverse pass

    /// ∂L/∂θ for one trajectory given the loss adjoint on its times and states.
    /// - Parameters:
    ///   - coordinates: the θ the trajectory was simulated with (nil: the network's values).
    /// - Returns: one entry per parameter (coordinates θ: log-scale parameters get ∂/∂log k).
    /// - Throws: `invalidArgument` if the adjoint does not match the trajectory,
    ///   `parameterCountMismatch` for θ of the wrong length.
    public func gradient(of trajectory: Trajectory, adjoint: TrajectoryAdjoint, coordinates: [Double]? = nil) throws -> [Double] {
        let values = try coordinates.map { try network.parameterValues(from: $0) } ?? network.parameters.map(\.value)
        let sCount = network.speciesCount, n = trajectory.eventCount
        guard adjoint.times.count == n, adjoint.speciesCount == sCount,
              adjoint.states.count == (n + 1) * adjoint.storedSpecies.count else {
            throw KineticsError.invalidArgument("adjoint shape does not match the trajectory (\(n) events)")
        }
        guard trajectory.finalState.count == sCount else {
            throw KineticsError.stateCountMismatch(expected: sCount, got: trajectory.finalState.count)
        }
        // Recorded runner-ups are read only by the runner-up loop, and only when they fit.
        let runnerUps = readsRunnerUps ? try checkedRunnerUps(of: trajectory) : []
        var thetaBar = [Double](repeating: 0, count: network.parameters.count)
        var scratchP = thetaBar
        let rates = compiled.effectiveRates(values: values)
        thetaBar.withUnsafeMutableBufferPointer { tb in
        scratchP.withUnsafeMutableBufferPointer { sp in
        values.withUnsafeBufferPointer { v in
        rates.withUnsafeBufferPointer { kb in
        trajectory.eventTimes.withUnsafeBufferPointer { times in
        trajectory.reactions.withUnsafeBufferPointer { reactions in
        adjoint.times.withUnsafeBufferPointer { tAdj in
        adjoint.states.withUnsafeBufferPointer { stored in
        adjoint.storedSpecies.withUnsafeBufferPointer { storedSpecies in
        adjoint.barriers.withUnsafeBufferPointer { cuts in
        runnerUps.withUnsafeBufferPointer { others in
            guard let k = kb.baseAddress else { return }
            let xAdj = StoredStateAdjoint(values: stored.baseAddress, species: storedSpecies.baseAddress,
                                          width: storedSpecies.count)
            // Barriers (events where the carried state adjoint stops) apply only when given for
            // every event.
            let barriers = cuts.count == n ? cuts : UnsafeBufferPointer(start: nil, count: 0)
            // A single molecule: the chain loop.
            if chainReverse(finalState: trajectory.finalState, noiseKey: trajectory.noiseKey, barriers: barriers, times: times,
                            reactions: reactions, tAdj: tAdj, xAdj: xAdj, k: k, thetaBar: tb) { return }
            // Closed-form mass action at K ≤ 1: the sparse loop.
            if massActionReverse(finalState: trajectory.finalState, noiseKey: trajectory.noiseKey, barriers: barriers, times: times,
                                 reactions: reactions, runnerUps: others, tAdj: tAdj, xAdj: xAdj, k: k, thetaBar: tb) { return }
            // One specialised copy per (first-order laws?, τ = 0.5?): smaller loops, fewer spills.
            let firstOrder = kernel.firstOrder, square = options.temperature == 0.5
            switch (firstOrder, square) {
            case (true, true):
                reverseLoop(ReverseFlags<True, True>.self, finalState: trajectory.finalState, noiseKey: trajectory.noiseKey,
                            times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, barriers: barriers, k: k, values: v, thetaBar: tb, scratchTheta: sp)
            case (true, false):
                reverseLoop(ReverseFlags<True, False>.self, finalState: trajectory.finalState, noiseKey: trajectory.noiseKey,
                            times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, barriers: barriers, k: k, values: v, thetaBar: tb, scratchTheta: sp)
            case (false, true):
                reverseLoop(ReverseFlags<False, True>.self, finalState: trajectory.finalState, noiseKey: trajectory.noiseKey,
                            times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, barriers: barriers, k: k, values: v, thetaBar: tb, scratchTheta: sp)
            case (false, false):
                reverseLoop(ReverseFlags<False, False>.self, finalState: trajectory.finalState, noiseKey: trajectory.noiseKey,
                            times: times, reactions: reactions, tAdj: tAdj, xAdj: xAdj, barriers: barriers, k: k, values: v, thetaBar: tb, scratchTheta: sp)
            }
        }}}}}}}}}}}
        if let clip = options.clipNorm {
            let norm = thetaBar.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > clip { thetaBar = thetaBar.map { $0 * clip / norm } }
        }
        return thetaBar
    }

    /// The trajectory's recorded runner-ups, checked against its events: one per event, each −1
    /// or another reaction than the event's.
    /// - Throws: `invalidArgument` naming the first event that does not fit.
    private func checkedRunnerUps(of trajectory: Trajectory) throws -> [Int16] {
        let others = trajectory.runnerUps, n = trajectory.eventCount, m = network.reactionCount
        guard !others.isEmpty else { return [] }
        guard others.count == n else {
            throw KineticsError.invalidArgument("\(others.count) recorded runner-ups for \(n) events")
        }
        // One pass without an exit (it counts misfits), then the first offender only if there is one.
        let misfits = others.withUnsafeBufferPointer { o in
            trajectory.reactions.withUnsafeBufferPointer { r in
                var count = 0
                for e in 0..<n {
                    let other = Int(o[e])
                    count &+= (other < -1 ? 1 : 0) | (other >= m ? 1 : 0) | (other == Int(r[e]) ? 1 : 0)
                }
                return count
            }
        }
        guard misfits == 0 else {
            let e = (0..<n).first { let o = Int(others[$0]); return o < -1 || o >= m || o == Int(trajectory.reactions[$0]) } ?? 0
            throw KineticsError.invalidArgument(
                "event \(e + 1): recorded runner-up \(others[e]) does not fit (reaction \(trajectory.reactions[e]) of \(m))")
        }
        return others
    }

    /// The loop proper, on raw buffers. Propensities are carried backwards incrementally: undoing
    /// event n changes only the species of its reaction, so only their dependents are re-evaluated
    /// (a pure function of the state, hence identical to a full re-evaluation).
    private func reverseLoop<Flags: ReverseMode>(_ flags: Flags.Type, finalState: [Int], noiseKey key0: UInt64,
                             times: UnsafeBufferPointer<Double>, reactions: UnsafeBufferPointer<Int32>,
                             tAdj: UnsafeBufferPointer<Double>, xAdj: StoredStateAdjoint,
                             barriers: UnsafeBufferPointer<Bool>,
                             k: UnsafePointer<Double>, values v: UnsafeBufferPointer<Double>,
                             thetaBar tb: UnsafeMutableBufferPointer<Double>,
                             scratchTheta sp: UnsafeMutableBufferPointer<Double>) {
        let kern = kernel
        let m = kern.reactionCount, sCount = kern.speciesCount, n = times.count
        let truncation = options.truncation
        let buckets = truncation.map { max($0, 0) } ?? 1     // ring of per-age state adjoints
        let carries = truncation != 0
        let ringSlots = max(buckets, 1)
        // One block for all per-step scratch: a, y/a, ȳ (m each); x̄′, (∂a/∂x)ᵀā, scratch (S each); ring.
        let block = UnsafeMutablePointer<Double>.allocate(capacity: 3 * m + 3 * sCount + ringSlots * sCount + 1)
        let x = UnsafeMutablePointer<Int>.allocate(capacity: max(sCount, 1))
        defer { block.deallocate(); x.deallocate() }
        let a = block, yOverA = block + m, yBar = block + 2 * m
        let sumBuckets = block + 3 * m, cBar = sumBuckets + sCount, scratchS = cBar + sCount, ring = scratchS + sCount
        block.initialize(repeating: 0, count: 3 * m + 3 * sCount + ringSlots * sCount + 1)
        // With one bucket (K = 1 or no truncation) x̄′ is the bucket itself: it is read before it
        // is overwritten at the end of the step.
        let xBarNext = buckets == 1 ? ring : sumBuckets
        for s in 0..<sCount { x[s] = finalState[s] }
        let invTau = 1 / options.temperature, runnerUp = options.relaxation == .runnerUp
        let power = SurrogatePower(temperature: options.temperature)
        let squarePower = Flags.squarePower                // τ = 0.5: y ∝ (a_j/(a_j + E_j·a0/E₀))², no exp/log
        let cb = UnsafeMutableBufferPointer(start: cBar, count: sCount)
        let ssb = UnsafeMutableBufferPointer(start: scratchS, count: sCount)
        let changeStart = kern.changeStart, changeSpecies = kern.changeSpecies, changeDelta = kern.changeDelta
        let dependentStart = kern.dependentStart, dependents = kern.dependents
        let speciesA = kern.speciesA, rateParameter = kern.rateParameter
        let firstOrder = Flags.firstOrder
        let zig = ExponentialZiggurat.shared
        for j in 0..<m { a[j] = kern.propensity(j, x, k, v) }
        // Segment N: its direct state adjoint enters the youngest bucket.
        if carries { xAdj.copy(segment: n, to: ring) }
        var head = 0                                   // ring slot of age 0
        let resumPeriod = max(buckets, 64)
        var timeBar = 0.0                              // total adjoint of τ_event
        var event = n
        while event >= 1 {
            let r = Int(reactions[event - 1])
            timeBar += tAdj[event - 1]
            // x̄′ = Σ of the live buckets (adjoint of the state after the event). With K ≥ 2 the sum
            // is carried (the new bucket in, the oldest out: O(S) per event whatever K) and formed
            // afresh every `resumPeriod` events, so its rounding cannot drift.
            var live = false
            if carries {
                if buckets > 1 && (!carriesBucketSum || (n - event) % resumPeriod == 0) {
                    for s in 0..<sCount { sumBuckets[s] = 0 }
                    for slot in 0..<buckets {
                        for s in 0..<sCount { sumBuckets[s] += ring[slot * sCount + s] }
                    }
                }
                for s in 0..<sCount where xBarNext[s] != 0 { live = true; break }
            }
            // Back to the state before the event; re-evaluate the propensities that read it.
            for i in changeStart[r]..<changeStart[r + 1] { x[changeSpecies[i]] &-= changeDelta[i] }
            if firstOrder {
                for i in dependentStart[r]..<dependentStart[r + 1] {
                    let j = dependents[i]
                    a[j] = k[j] * Double(x[speciesA[j]])
                }
            } else {
                for i in dependentStart[r]..<dependentStart[r + 1] {
                    let j = dependents[i]
                    a[j] = kern.propensity(j, x, k, v)
                }
            }
            var a0 = 0.0, active = 0
            for j in 0..<m {
                a0 += a[j]
                active &+= a[j] > 0 ? 1 : 0
                yBar[j] = 0
            }
            let dt = times[event - 1] - (event >= 2 ? times[event - 2] : 0)
            // Waiting time Δt = E/a0: ∂Δt/∂a_j = −Δt/a0 for every j.
            let timeTerm = -timeBar * dt / a0
            // Choice: surrogate y = softmax(z/τ) with the regenerated conditional Gumbel noise.
            // ā_j = ℓ̄_j/a_j = (1/τ)·(y_j/a_j)·(ȳ_j − Σ_k y_k ȳ_k), kept in yBar.
            if live && active >= 3 && runnerUp {
                // Two-way softmax of the chosen reaction and the race's runner-up (`RunnerUpNoise`).
                let race = a0 - a[r]
                let noise = RunnerUpNoise(key: Self.eventKey(key0, event), a: a, count: m, chosen: r, race: race)
                let o = noise.other, ratio = noise.share * a0 / (race * (1 - noise.share))
                let y = squarePower ? 1 / ((1 + ratio) * (1 + ratio)) : power.weight(ratio: ratio)
                var dotR = 0.0, dotO = 0.0
                for i in changeStart[r]..<changeStart[r + 1] { dotR += Double(changeDelta[i]) * xBarNext[changeSpecies[i]] }
                for i in changeStart[o]..<changeStart[o + 1] { dotO += Double(changeDelta[i]) * xBarNext[changeSpecies[i]] }
                let norm = 1 + y, mean = (dotR + y * dotO) / norm, scale = invTau / norm
                yBar[r] = scale * (1 / a[r]) * (dotR - mean)
                yBar[o] = scale * (y / a[o]) * (dotO - mean)
            } else if live && active >= 2 {
                var noise = EventNoise(noiseKey: key0, event: event, reactionCount: m, pair: active == 2, zig)
                let e0 = noise.e0
                var norm = 0.0, mean = 0.0
                for j in 0..<m where a[j] > 0 {
                    var y: Double, ya: Double
                    if j == r {
                        y = 1; ya = 1 / a[j]
                    } else if squarePower {
                        // w = 1/(1 + E_j·a0/(a_j·E₀)) = a_j·E₀/(a_j·E₀ + E_j·a0): one division.
                        let ae = a[j] * e0
                        let d = 1 / (ae + noise.exit(j, zig) * a0)
                        let w = ae * d
                        y = w * w; ya = w * e0 * d
                    } else {
                        y = power.weight(ratio: noise.exit(j, zig) * a0 / (a[j] * e0))
                        ya = y / a[j]
                    }
                    var dot = 0.0
                    for i in changeStart[j]..<changeStart[j + 1] {
                        dot += Double(changeDelta[i]) * xBarNext[changeSpecies[i]]
                    }
                    norm += y
                    mean += y * dot
                    yOverA[j] = ya
                    yBar[j] = dot
                }
                let invNorm = 1 / norm
                mean *= invNorm
                let scale = invTau * invNorm
                for j in 0..<m where a[j] > 0 { yBar[j] = scale * yOverA[j] * (yBar[j] - mean) }
            }
            // θ̄ += (∂a/∂θ)ᵀā, (∂a/∂x)ᵀā into cBar, with ā_j = (choice term) + timeTerm.
            for s in 0..<sCount { cBar[s] = 0 }
            if firstOrder {
                for j in 0..<m {
                    let w = yBar[j] + timeTerm
                    tb[rateParameter[j]] += w * a[j]
                    cBar[speciesA[j]] += w * k[j]
                }
            } else {
                for j in 0..<m {
                    kern.accumulate(j, weight: yBar[j] + timeTerm, propensity: a[j], x, k, v,
                                    thetaBar: tb, stateBar: cb, scratchTheta: sp, scratchState: ssb)
                }
            }
            // Age the buckets: the oldest falls off (truncation after K choices); the new
            // youngest holds (∂a/∂x)ᵀā plus the loss's direct adjoint of the earlier state.
            if carries { xAdj.add(segment: event - 1, to: cBar) }
            if carries && !barriers.isEmpty && barriers[event - 1] {
                // A barrier: only the adjoint of the state before this event carries on.
                for s in 0..<(ringSlots * sCount) { ring[s] = 0 }
                head = 0
                for s in 0..<sCount { ring[s] = cBar[s] }
                if buckets > 1 { for s in 0..<sCount { sumBuckets[s] = cBar[s] } }
            } else if truncation == nil {
                for s in 0..<sCount { ring[s] += cBar[s] }
            } else if carries {
                head = head == 0 ? buckets - 1 : head - 1
                if buckets > 1 {
                    for s in 0..<sCount { sumBuckets[s] += cBar[s] - ring[head * sCount + s] }
                }
                for s in 0..<sCount { ring[head * sCount + s] = cBar[s] }
            }
            event -= 1
        }
    }
}

// MARK: - Specialisation flags

/// Compile-time flags of one copy of the reverse loop.
protocol ReverseMode {
    /// Every reaction is k·x_a.
    static var firstOrder: Bool { get }
    /// τ = 0.5, where the surrogate weights are squares (no exp/log).
    static var squarePower: Bool { get }
}

/// A type-level Boolean.
protocol TypeBool { static var value: Bool { get } }
enum True: TypeBool { static var value: Bool { true } }
enum False: TypeBool { static var value: Bool { false } }

/// `ReverseMode` from two type-level Booleans.
enum ReverseFlags<FirstOrder: TypeBool, Square: TypeBool>: ReverseMode {
    static var firstOrder: Bool { FirstOrder.value }
    static var squarePower: Bool { Square.value }
}
