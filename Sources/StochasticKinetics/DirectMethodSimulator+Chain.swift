// The direct method for one molecule on a first-order network (a single channel): state = index.

extension DirectMethodSimulator {
    /// The single-molecule loop: the same draws, the same arithmetic on the values that matter
    /// and hence the same events as the first-order direct loop, bit for bit (tested), without
    /// the propensity array, the a0 sum over all reactions or the full scan. Returns nil (and
    /// touches nothing) when the network or the state is not a single molecule.
    func runChain<R: EventRecorder>(rates: [Double], state: inout [Int], stream: inout RandomStream,
                                    horizon: SimulationHorizon, recorder: inout R) throws -> Double? {
        guard usesChainLoop, let chain, !sorts else { return nil }
        let sCount = kernel.speciesCount
        let start: Int? = state.withUnsafeBufferPointer { SingleMoleculeChain.occupied($0.baseAddress!, count: sCount) }
        guard let species = start else { return nil }
        let admissible = rates.withUnsafeBufferPointer { SingleMoleculeChain.ratesAdmissible($0.baseAddress!, count: $0.count) }
        guard admissible else { return nil }
        let tables = rates.withUnsafeBufferPointer { ChainRates(chain, rates: $0.baseAddress!) }
        defer { tables.deallocate() }
        let x = UnsafeMutablePointer<Int>.allocate(capacity: sCount)
        defer { x.deallocate() }
        for s in 0..<sCount { x[s] = state[s] }
        var rng = stream
        var outcome = ChainOutcome(time: 0, species: species, failure: nil)
        chain.exitStart.withUnsafeBufferPointer { exitStart in
        chain.exitReaction.withUnsafeBufferPointer { exitReaction in
        chain.exitTarget.withUnsafeBufferPointer { exitTarget in
            outcome = chainLoop(species: species, x: x, exitStart: exitStart.baseAddress!, exitReaction: exitReaction.baseAddress!,
                                exitTarget: exitTarget.baseAddress!, tables: tables, rng: &rng, horizon: horizon, recorder: &recorder)
        }}}
        stream = rng
        for s in 0..<sCount { state[s] = 0 }
        state[outcome.species] = 1
        if let failure = outcome.failure { throw failure }
        return horizon.maxTime.isFinite ? horizon.maxTime : outcome.time
    }

    /// Where the chain loop stopped.
    struct ChainOutcome {
        var time: Double
        var species: Int
        var failure: KineticsError?
    }

    /// The loop proper; stops exactly where the general loop would (absorption, time, events).
    private func chainLoop<R: EventRecorder>(species start: Int, x: UnsafeMutablePointer<Int>,
                                             exitStart: UnsafePointer<Int>, exitReaction: UnsafePointer<Int32>,
                                             exitTarget: UnsafePointer<Int32>, tables: ChainRates,
                                             rng: inout RandomStream, horizon: SimulationHorizon,
                                             recorder: inout R) -> ChainOutcome {
        let maxTime = horizon.maxTime, maxEvents = horizon.maxEvents
        let exitRate = tables.exitRate, threshold = tables.threshold
        let zig = ExponentialZiggurat.shared, ziggurat = waitingTimes == .ziggurat
        var r = rng
        defer { rng = r }
        var t = 0.0, events = 0, s = start
        while true {
            // The draws in the general loop's order: Exp(1) first, then the selection uniform.
            let exponential = ziggurat ? r.exponential(zig) : -libmLog(r.uniformPositive())
            let uniform = r.uniformPositive()
            let a0 = exitRate[s]
            if !(a0 > 0) { break }                                 // absorbing state
            let tNext = t + exponential / a0
            if tNext > maxTime { break }
            if events == maxEvents {
                if maxTime < .infinity {
                    return ChainOutcome(time: t, species: s, failure: .stepLimitExceeded(limit: events, time: t))
                }
                break
            }
            // First exit whose cumulative rate reaches u·a0 (the general scan's stopping rule;
            // u ≤ 1 keeps u·a0 ≤ a0, the last threshold, so the scan always stops on an exit).
            let target = uniform * a0
            var i = exitStart[s]
            let last = exitStart[s + 1] - 1
            while i < last && threshold[i] < target { i += 1 }
            recorder.record(time: tNext, reaction: Int(exitReaction[i]), stateBefore: x)
            t = tNext
            events += 1
            let next = Int(exitTarget[i])
            if R.readsState { x[s] = 0; x[next] = 1 }
            s = next
        }
        return ChainOutcome(time: t, species: s, failure: nil)
    }
}
