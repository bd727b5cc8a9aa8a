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

    public init(network: ReactionNetwork) {
        self.network = network
        self.compiled = CompiledNetwork(network)
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
        let end = try run(values: values, state: &x, stream: &stream, horizon: horizon, recorder: &recorder)
        return Trajectory(initialState: x0, eventTimes: recorder.times, reactions: recorder.reactions, endTime: end,
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
    /// end time. Allocation-free except for what the recorder stores.
    func run<R: EventRecorder>(values: [Double], state: inout [Int], stream: inout RandomStream,
                               horizon: SimulationHorizon, recorder: inout R) throws -> Double {
        let c = compiled
        let m = c.reactionCount
        let rates = c.effectiveRates(values: values)
        var propensities = [Double](repeating: 0, count: m)
        var t = 0.0
        var events = 0
        var failure: KineticsError?
        state.withUnsafeMutableBufferPointer { x in
            propensities.withUnsafeMutableBufferPointer { a in
                values.withUnsafeBufferPointer { v in
                    rates.withUnsafeBufferPointer { k in
                    c.changeStart.withUnsafeBufferPointer { cStart in
                    c.changeSpecies.withUnsafeBufferPointer { cSpecies in
                    c.changeDelta.withUnsafeBufferPointer { cDelta in
                    c.dependentStart.withUnsafeBufferPointer { dStart in
                    c.dependents.withUnsafeBufferPointer { deps in
                        let fast = c.allMassAction
                        @inline(__always) func evaluate(_ j: Int) -> Double {
                            fast ? k[j] * c.combinations(j, counts: UnsafeBufferPointer(x))
                                 : c.propensity(j, counts: UnsafeBufferPointer(x), values: v)
                        }
                        for j in 0..<m { a[j] = evaluate(j) }
                        while true {
                            var a0 = 0.0
                            for j in 0..<m {
                                let aj = a[j]
                                if !(aj >= 0) || aj == .infinity {
                                    failure = .invalidPropensity(reaction: c.names[j], value: aj, step: events)
                                    return
                                }
                                a0 += aj
                            }
                            if a0 <= 0 { break }                             // absorbing state
                            let tNext = t - libmLog(stream.uniformPositive()) / a0
                            if tNext > horizon.maxTime { break }
                            if events == horizon.maxEvents {
                                if horizon.maxTime.isFinite {
                                    failure = .stepLimitExceeded(limit: events, time: t)
                                }
                                return
                            }
                            // Inverse transform over cumulative propensities; the last positive one
                            // absorbs rounding so a zero-propensity reaction is never chosen.
                            let target = stream.uniformPositive() * a0
                            var chosen = -1, cumulative = 0.0
                            for j in 0..<m where a[j] > 0 {
                                chosen = j
                                cumulative += a[j]
                                if cumulative >= target { break }
                            }
                            recorder.record(time: tNext, reaction: chosen, stateBefore: UnsafeBufferPointer(x))
                            t = tNext
                            events += 1
                            for i in cStart[chosen]..<cStart[chosen + 1] { x[cSpecies[i]] += cDelta[i] }
                            for i in dStart[chosen]..<dStart[chosen + 1] { a[deps[i]] = evaluate(deps[i]) }
                        }
                    }}}}}
                    }
                }
            }
        }
        if let failure { throw failure }
        return horizon.maxTime.isFinite ? horizon.maxTime : t
    }
}

// MARK: - Recorders

/// Receives each event of the direct-method loop (before the state changes).
protocol EventRecorder {
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeBufferPointer<Int>)
}

/// Stores (time, reaction) per event: the tape.
struct EventListRecorder: EventRecorder {
    var times: [Double] = []
    var reactions: [Int32] = []
    init(expected: Int) {
        times.reserveCapacity(expected)
        reactions.reserveCapacity(expected)
    }
    @inline(__always)
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeBufferPointer<Int>) {
        times.append(time)
        reactions.append(Int32(truncatingIfNeeded: reaction))
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
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeBufferPointer<Int>) {
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
