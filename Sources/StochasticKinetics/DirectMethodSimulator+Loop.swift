// The simulation loop of `DirectMethodSimulator`: direct and sorting-direct selection.

extension DirectMethodSimulator {
    // MARK: - Entry

    /// Runs the SSA from `state`, calling `recorder` before every event; returns the end time.
    /// Allocation-free apart from what the recorder stores. Never records more than
    /// `horizon.maxEvents` events.
    func run<R: EventRecorder>(values: [Double], state: inout [Int], stream: inout RandomStream,
                               horizon: SimulationHorizon, recorder: inout R) throws -> Double {
        let m = kernel.reactionCount, sCount = kernel.speciesCount
        let rates = compiled.effectiveRates(values: values)
        if let end = try runChain(rates: rates, state: &state, stream: &stream, horizon: horizon, recorder: &recorder) {
            return end
        }
        // Propensities a (m), the sorting permutation (m), the state x (S).
        let a = UnsafeMutablePointer<Double>.allocate(capacity: max(m, 1))
        let order = UnsafeMutablePointer<Int>.allocate(capacity: max(m, 1))
        let x = UnsafeMutablePointer<Int>.allocate(capacity: max(sCount, 1))
        // Cumulative propensities, kept only when the recorder wants each event's runner-up: a
        // leading 0, then +∞ up to the search's width (`runnerUp`).
        let width = R.recordsRunnerUps ? Self.searchWidth(m) + 1 : 1
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: width)
        sums.initialize(repeating: .infinity, count: width)
        sums[0] = 0
        defer { a.deallocate(); order.deallocate(); x.deallocate(); sums.deallocate() }
        for s in 0..<sCount { x[s] = state[s] }
        for j in 0..<m { order[j] = j }
        var rng = stream
        var outcome = LoopOutcome(time: 0, events: 0, failure: nil)
        rates.withUnsafeBufferPointer { kb in
            values.withUnsafeBufferPointer { v in
                guard let k = kb.baseAddress, m > 0 else { return }
                // One specialised copy of the loop per mode: dead branches vanish and the hot
                // loop keeps its state in registers.
                if sorts {
                    outcome = loop(SortingMode.self, a: a, sums: sums, order: order, x: x, k: k, values: v, rng: &rng,
                                   horizon: horizon, recorder: &recorder)
                } else if kernel.firstOrder {
                    outcome = loop(FirstOrderMode.self, a: a, sums: sums, order: order, x: x, k: k, values: v, rng: &rng,
                                   horizon: horizon, recorder: &recorder)
                } else if kernel.closedForm {
                    outcome = loop(ClosedFormMode.self, a: a, sums: sums, order: order, x: x, k: k, values: v, rng: &rng,
                                   horizon: horizon, recorder: &recorder)
                } else {
                    outcome = loop(GeneralMode.self, a: a, sums: sums, order: order, x: x, k: k, values: v, rng: &rng,
                                   horizon: horizon, recorder: &recorder)
                }
            }
        }
        stream = rng
        for s in 0..<sCount { state[s] = x[s] }
        if let failure = outcome.failure { throw failure }
        return horizon.maxTime.isFinite ? horizon.maxTime : outcome.time
    }

    /// Where the loop stopped.
    struct LoopOutcome {
        var time: Double
        var events: Int
        var failure: KineticsError?
    }

    // MARK: - The loop

    /// The SSA proper on raw buffers. Everything it updates lives in locals of this function
    /// (not in variables captured by a closure), so it stays in registers.
    private func loop<R: EventRecorder, Mode: LoopMode>(_ mode: Mode.Type, a: UnsafeMutablePointer<Double>,
                                        sums: UnsafeMutablePointer<Double>, order: UnsafeMutablePointer<Int>,
                                        x: UnsafeMutablePointer<Int>, k: UnsafePointer<Double>,
                                        values v: UnsafeBufferPointer<Double>, rng: inout RandomStream,
                                        horizon: SimulationHorizon, recorder: inout R) -> LoopOutcome {
        let kern = kernel
        let m = kern.reactionCount
        let maxTime = horizon.maxTime, maxEvents = horizon.maxEvents
        let sorting = Mode.sorting, firstOrder = Mode.firstOrder
        let closed = Mode.sorting ? kern.closedForm : Mode.closedForm
        let changeStart = kern.changeStart, changeSpecies = kern.changeSpecies, changeDelta = kern.changeDelta
        let dependentStart = kern.dependentStart, dependents = kern.dependents, speciesA = kern.speciesA
        let zig = ExponentialZiggurat.shared, ziggurat = waitingTimes == .ziggurat
        var r = rng
        defer { rng = r }
        var t = 0.0
        var events = 0
        for j in 0..<m { a[j] = kern.propensity(j, x, k, v) }
        if !closed {
            // Supplied laws may misbehave: every propensity is checked when it is (re)evaluated.
            for j in 0..<m where !(a[j] >= 0 && a[j] < .infinity) {
                return LoopOutcome(time: t, events: events,
                                   failure: .invalidPropensity(reaction: compiled.names[j], value: a[j], step: events))
            }
        }
        var a0 = 0.0
        var sinceResum = 0
        while true {
            // Both draws first: they do not depend on the state, and no floating-point value is
            // live across the ziggurat's (rare, out-of-line) slow path. A step that stops below
            // simply leaves them unused; the draws of every step taken are unchanged.
            let exponential = ziggurat ? r.exponential(zig) : -libmLog(r.uniformPositive())
            let uniform = r.uniformPositive()
            if sorting {
                // Incremental a0 (below); an exact re-sum every 1024 steps bounds the rounding drift.
                if sinceResum == 0 {
                    a0 = 0
                    for j in 0..<m { a0 += a[j] }
                    sinceResum = 1024
                }
                sinceResum -= 1
            } else if R.recordsRunnerUps {
                a0 = 0
                for j in 0..<m { a0 += a[j]; sums[j &+ 1] = a0 }
            } else {
                a0 = 0
                for j in 0..<m { a0 += a[j] }
            }
            if !(a0 > 0) {
                if sorting && sinceResum != 1023 { sinceResum = 0; continue }   // drift, not absorption
                break                                                          // absorbing state
            }
            let tNext = t + exponential / a0
            if tNext > maxTime { break }
            if events == maxEvents {
                if maxTime < .infinity { return LoopOutcome(time: t, events: events, failure: .stepLimitExceeded(limit: events, time: t)) }
                break
            }
            // Inverse transform over cumulative propensities. A zero-propensity reaction cannot
            // reach the (positive) target first; rounding past the end backs off to the last
            // positive propensity. (A branch-free count of the partial sums below the target was
            // measured slower: it lengthens the step's dependency chain, while these branches are
            // mostly predicted from the state.)
            let target = uniform * a0
            var chosen: Int
            if sorting {
                var position = 0
                var cumulative = a[order[0]]
                while cumulative < target && position < m - 1 {
                    position += 1
                    cumulative += a[order[position]]
                }
                while a[order[position]] == 0 && position > 0 { position -= 1 }
                chosen = order[position]
                if a[chosen] == 0 {
                    // Only possible when the drifting a0 overshoots a tiny true total: re-sum and
                    // redraw (fresh uniforms keep the step exact).
                    sinceResum = 0
                    continue
                }
                // Move the fired reaction one place towards the front.
                if position > 0 { order[position] = order[position - 1]; order[position - 1] = chosen }
            } else {
                chosen = 0
                var cumulative = a[0]
                while cumulative < target && chosen < m - 1 {
                    chosen += 1
                    cumulative += a[chosen]
                }
                while a[chosen] == 0 && chosen > 0 { chosen -= 1 }
            }
            recorder.record(time: tNext, reaction: chosen, stateBefore: x)
            if R.recordsRunnerUps && !sorting {
                let key = StraightThroughGradient.eventKey(recorder.runnerUpKey, events &+ 1)
                recorder.recordRunnerUp(Self.runnerUp(chosen: chosen, a: a, sums: sums, count: m, key: key))
            }
            t = tNext
            events += 1
            for i in changeStart[chosen]..<changeStart[chosen + 1] {
                x[changeSpecies[i]] &+= changeDelta[i]
            }
            let first = dependentStart[chosen], last = dependentStart[chosen + 1]
            if sorting {
                let before = a0
                for i in first..<last {
                    let j = dependents[i]
                    let old = a[j]
                    a[j] = kern.propensity(j, x, k, v)
                    a0 += a[j] - old
                }
                // A fall by more than 2¹⁰ in one step (a stiff reaction stopping) leaves a0 with the
                // larger value's rounding: re-sum before the next step uses it.
                if a0 < 0x1p-10 * before { sinceResum = 0 }
            } else if firstOrder {
                // Gating schemes: a_j = k_j·x_a, no dispatch on the law's form.
                for i in first..<last {
                    let j = dependents[i]
                    a[j] = k[j] * Double(x[speciesA[j]])
                }
            } else if closed {
                for i in first..<last {
                    let j = dependents[i]
                    a[j] = kern.closedPropensity(j, x, k)
                }
            } else {
                for i in first..<last {
                    let j = dependents[i]
                    a[j] = kern.propensity(j, x, k, v)
                }
            }
            if !closed {
                for i in first..<last where !(a[dependents[i]] >= 0 && a[dependents[i]] < .infinity) {
                    let j = dependents[i]
                    return LoopOutcome(time: t, events: events,
                                       failure: .invalidPropensity(reaction: compiled.names[j], value: a[j], step: events))
                }
            }
        }
        return LoopOutcome(time: t, events: events, failure: nil)
    }
}

// MARK: - Loop modes

/// Compile-time flags of one specialisation of the loop.
protocol LoopMode {
    /// Sorting-direct selection with incremental a0.
    static var sorting: Bool { get }
    /// Every reaction is k·x_a (no dispatch on the law).
    static var firstOrder: Bool { get }
    /// Every reaction has a closed mass-action form (no supplied law to check).
    static var closedForm: Bool { get }
}

/// Sorting direct, any law (whether laws are closed is read at run time in this mode).
enum SortingMode: LoopMode {
    static var sorting: Bool { true }
    static var firstOrder: Bool { false }
    static var closedForm: Bool { false }
}

/// Direct method on first-order networks (gating schemes).
enum FirstOrderMode: LoopMode {
    static var sorting: Bool { false }
    static var firstOrder: Bool { true }
    static var closedForm: Bool { true }
}

/// Direct method on mass action of order ≤ 2.
enum ClosedFormMode: LoopMode {
    static var sorting: Bool { false }
    static var firstOrder: Bool { false }
    static var closedForm: Bool { true }
}

/// Direct method with supplied laws or higher orders.
enum GeneralMode: LoopMode {
    static var sorting: Bool { false }
    static var firstOrder: Bool { false }
    static var closedForm: Bool { false }
}
