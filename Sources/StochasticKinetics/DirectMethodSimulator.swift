// Gillespie's direct method (1977): exact trajectories, recorded as event lists or on a grid.

/// Exact stochastic simulation by the direct method: a waiting time −log(u₁)/a0 and a reaction
/// chosen with probability a_j/a0 by inverse transform of u₂·a0 over the cumulative propensities.
/// After a firing only the propensities that read a changed species are re-evaluated; a0 is
/// re-summed each step (no drift). Zero-propensity reactions can never be chosen.
///
/// Trajectory `index` of seed `seed` uses `RandomStream(seed: seed, stream: index)`, so results
/// do not depend on which thread runs them.
public struct DirectMethodSimulator: Sendable {
    /// The network simulated (its parameter values are used unless coordinates are passed).
    public let network: ReactionNetwork
    let compiled: CompiledNetwork
    let kernel: PropensityKernel

    public init(network: ReactionNetwork) {
        self.network = network
        self.compiled = CompiledNetwork(network)
        self.kernel = PropensityKernel(compiled)
    }

    /// The key of the reverse-pass noise of trajectory (seed, index).
    public static func noiseKey(seed: UInt64, index: Int) -> UInt64 {
        SplitMix64.mix(SplitMix64.mix(seed ^ 0x5851_F42D_4C95_7F2D) &+ UInt64(truncatingIfNeeded: index))
    }

    // MARK: - Event lists

    /// Simulates one trajectory and returns its event list.
    /// - Parameters:
    ///   - coordinates: parameter coordinates θ (nil: the network's current values).
    ///   - horizon: stop time and/or event count.
    ///   - seed, index: the stream (seed, index).
    ///   - initialState: x(0) (nil: the network's initial state).
    /// - Throws: `invalidPropensity` if a supplied law returns a negative or non-finite value,
    ///   `stepLimitExceeded` if a time horizon needs more than `horizon.maxEvents` events,
    ///   `invalidArgument` for a negative or NaN horizon.
    public func simulate(coordinates: [Double]? = nil, horizon: SimulationHorizon, seed: UInt64, index: Int = 0,
                         initialState: [Int]? = nil) throws -> Trajectory {
        let values = try coordinates.map { try network.parameterValues(from: $0) } ?? network.parameters.map(\.value)
        let x0 = initialState ?? network.initialState
        guard x0.count == network.speciesCount else {
            throw KineticsError.stateCountMismatch(expected: network.speciesCount, got: x0.count)
        }
        guard horizon.maxTime >= 0, horizon.maxEvents >= 0 else {
            throw KineticsError.invalidArgument("horizon must be ≥ 0")
        }
        var recorder = EventListRecorder(expected: min(horizon.maxEvents, 1 << 16))
        var stream = RandomStream(seed: seed, stream: UInt64(truncatingIfNeeded: index))
        var x = x0
        let end: Double
        do { end = try run(values: values, state: &x, stream: &stream, horizon: horizon, recorder: &recorder) } catch {
            _ = recorder.finish()
            throw error
        }
        let (times, reactions) = recorder.finish()
        return Trajectory(initialState: x0, eventTimes: times, reactions: reactions, endTime: end,
                          finalState: x, noiseKey: Self.noiseKey(seed: seed, index: index))
    }

    // MARK: - Values on a grid

    /// Simulates one trajectory up to the last grid time and returns the counts x(t_g) at each
    /// grid time as a flat array [grid.count × S] (row g = state at t_g; a state holds on
    /// [τ_n, τ_{n+1}), so an event exactly at t_g is included).
    /// - Throws: as `simulate`, plus `invalidArgument` for an unsorted or negative grid.
    public func simulateOnGrid(coordinates: [Double]? = nil, grid: [Double], seed: UInt64, index: Int = 0,
                               eventLimit: Int = 500_000_000) throws -> [Int] {
        let values = try coordinates.map { try network.parameterValues(from: $0) } ?? network.parameters.map(\.value)
        guard zip(grid, grid.dropFirst()).allSatisfy({ $0 <= $1 }), (grid.first ?? 0) >= 0 else {
            throw KineticsError.invalidArgument("grid times must be sorted and ≥ 0")
        }
        var recorder = GridRecorder(grid: grid, species: network.speciesCount)
        var stream = RandomStream(seed: seed, stream: UInt64(truncatingIfNeeded: index))
        var x = network.initialState
        _ = try run(values: values, state: &x, stream: &stream,
                    horizon: .time(grid.last ?? 0, eventLimit: eventLimit), recorder: &recorder)
        recorder.finish(state: x)
        return recorder.values
    }

    // MARK: - The direct-method loop

    /// Runs the direct method from `state`, calling `recorder` before every event; returns the
    /// end time. Allocation-free apart from what the recorder stores.
    func run<R: EventRecorder>(values: [Double], state: inout [Int], stream: inout RandomStream,
                               horizon: SimulationHorizon, recorder: inout R) throws -> Double {
        let kern = kernel
        let m = kern.reactionCount, sCount = kern.speciesCount
        let rates = compiled.effectiveRates(values: values)
        let a = UnsafeMutablePointer<Double>.allocate(capacity: max(m, 1))
        let x = UnsafeMutablePointer<Int>.allocate(capacity: max(sCount, 1))
        defer { a.deallocate(); x.deallocate() }
        for s in 0..<sCount { x[s] = state[s] }
        var rng = stream
        var t = 0.0
        var events = 0
        var failure: KineticsError?
        let maxTime = horizon.maxTime, maxEvents = horizon.maxEvents
        rates.withUnsafeBufferPointer { kb in
            values.withUnsafeBufferPointer { v in
                guard let k = kb.baseAddress else { return }
                let closed = kern.closedForm
                for j in 0..<m { a[j] = kern.propensity(j, x, k, v) }
                while true {
                    var a0 = 0.0
                    for j in 0..<m { a0 += a[j] }
                    if !closed {
                        // Supplied laws may misbehave: check every propensity before using it.
                        for j in 0..<m where !(a[j] >= 0 && a[j] < .infinity) {
                            failure = .invalidPropensity(reaction: compiled.names[j], value: a[j], step: events)
                            return
                        }
                    }
                    if !(a0 > 0) { break }                                  // absorbing state
                    let tNext = t - libmLog(rng.uniformPositive()) / a0
                    if tNext > maxTime { break }
                    if events == maxEvents {
                        if maxTime < .infinity { failure = .stepLimitExceeded(limit: events, time: t) }
                        break
                    }
                    // Inverse transform over cumulative propensities. A zero-propensity reaction
                    // cannot reach the (positive) target first; rounding past the end backs off to
                    // the last positive propensity.
                    let target = rng.uniformPositive() * a0
                    var chosen = 0
                    var cumulative = a[0]
                    while cumulative < target && chosen < m - 1 {
                        chosen += 1
                        cumulative += a[chosen]
                    }
                    while a[chosen] == 0 && chosen > 0 { chosen -= 1 }
                    recorder.record(time: tNext, reaction: chosen, stateBefore: x)
                    t = tNext
                    events += 1
                    for i in kern.changeStart[chosen]..<kern.changeStart[chosen + 1] {
                        x[kern.changeSpecies[i]] &+= kern.changeDelta[i]
                    }
                    if closed {
                        for i in kern.dependentStart[chosen]..<kern.dependentStart[chosen + 1] {
                            let j = kern.dependents[i]
                            a[j] = kern.closedPropensity(j, x, k)
                        }
                    } else {
                        for i in kern.dependentStart[chosen]..<kern.dependentStart[chosen + 1] {
                            let j = kern.dependents[i]
                            a[j] = kern.propensity(j, x, k, v)
                        }
                    }
                }
            }
        }
        stream = rng
        for s in 0..<sCount { state[s] = x[s] }
        if let failure { throw failure }
        return maxTime.isFinite ? maxTime : t
    }
}

// MARK: - Recorders

/// Receives each event of the direct-method loop (before the state changes).
protocol EventRecorder {
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeMutablePointer<Int>)
}

/// Stores (time, reaction) per event in manually grown buffers: the tape.
struct EventListRecorder: EventRecorder {
    var times: UnsafeMutablePointer<Double>
    var reactions: UnsafeMutablePointer<Int32>
    var count = 0
    var capacity: Int

    init(expected: Int) {
        capacity = max(expected, 16)
        times = .allocate(capacity: capacity)
        reactions = .allocate(capacity: capacity)
    }

    @inline(__always)
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeMutablePointer<Int>) {
        if count == capacity { grow() }
        times[count] = time
        reactions[count] = Int32(truncatingIfNeeded: reaction)
        count += 1
    }

    mutating func grow() {
        let newCapacity = capacity * 2
        let t = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
        let r = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        t.update(from: times, count: count)
        r.update(from: reactions, count: count)
        times.deallocate(); reactions.deallocate()
        times = t; reactions = r
        capacity = newCapacity
    }

    /// Moves the events into arrays and frees the buffers.
    mutating func finish() -> (times: [Double], reactions: [Int32]) {
        let result = (Array(UnsafeBufferPointer(start: times, count: count)),
                      Array(UnsafeBufferPointer(start: reactions, count: count)))
        times.deallocate(); reactions.deallocate()
        capacity = 0
        return result
    }
}

/// Writes the state holding at each grid time.
struct GridRecorder: EventRecorder {
    let grid: [Double]
    let species: Int
    var values: [Int]
    var next = 0
    init(grid: [Double], species: Int) {
        self.grid = grid
        self.species = species
        values = [Int](repeating: 0, count: grid.count * species)
    }
    @inline(__always)
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeMutablePointer<Int>) {
        while next < grid.count && grid[next] < time {
            for s in 0..<species { values[next * species + s] = stateBefore[s] }
            next += 1
        }
    }
    mutating func finish(state: [Int]) {
        while next < grid.count {
            for s in 0..<species { values[next * species + s] = state[s] }
            next += 1
        }
    }
}
