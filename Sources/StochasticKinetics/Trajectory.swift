// One simulated trajectory stored as an event list (the compact tape of the reverse pass).

/// When a simulation stops: at `maxTime`, after `maxEvents` events, or when no reaction can
/// fire any more (all propensities 0), whichever comes first.
public struct SimulationHorizon: Sendable, Hashable {
    /// Stop time (the trajectory is observed on [0, maxTime]); `.infinity` for an event horizon.
    public var maxTime: Double
    /// Maximum number of events; `Int.max` for a time horizon.
    public var maxEvents: Int

    /// Observe on [0, t]; `eventLimit` guards against runaway networks
    /// (exceeding it throws `KineticsError.stepLimitExceeded`).
    public static func time(_ t: Double, eventLimit: Int = 500_000_000) -> SimulationHorizon {
        SimulationHorizon(maxTime: t, maxEvents: eventLimit)
    }
    /// Stop after exactly n events (fewer only if the network becomes absorbing).
    public static func events(_ n: Int) -> SimulationHorizon { SimulationHorizon(maxTime: .infinity, maxEvents: n) }

    public init(maxTime: Double, maxEvents: Int) {
        self.maxTime = maxTime
        self.maxEvents = maxEvents
    }
}

/// An exact SSA trajectory: the initial state, then N events (time, reaction). The state after
/// event n is x_n = x_0 + Σ_{m≤n} ν_{r_m}; it holds on [τ_n, τ_{n+1}) with τ_0 = 0 and
/// τ_{N+1} = `endTime`. Segment indices below run 0…N (segment n follows event n; segment 0
/// is the initial state).
public struct Trajectory: Sendable {
    /// x(0).
    public var initialState: [Int]
    /// Event times τ_1 < τ_2 < … (stored 0-based: `eventTimes[n-1]` = τ_n).
    public var eventTimes: [Double]
    /// Reaction fired at each event (same indexing as `eventTimes`).
    public var reactions: [Int32]
    /// End of observation: the time horizon, or the last event time for an event horizon
    /// (or an absorbing network without a time horizon).
    public var endTime: Double
    /// The state after the last event.
    public var finalState: [Int]
    /// Key of the counter-based noise of the reverse pass (derived from the seed and index).
    public var noiseKey: UInt64
    /// The runner-up of each event's race (same indexing as `reactions`; −1 where no other
    /// reaction could fire), recorded by a forward pass that a runner-up gradient will follow
    /// (`EnsembleSimulator.simulate(…, forGradient: true)`); empty when not recorded. It is a
    /// function of `noiseKey` and the propensities before the event, so recording it spares the
    /// reverse pass from re-deriving every propensity (`StraightThroughGradient`).
    public var runnerUps: [Int16]

    public init(initialState: [Int], eventTimes: [Double], reactions: [Int32], endTime: Double,
                finalState: [Int], noiseKey: UInt64, runnerUps: [Int16] = []) {
        self.initialState = initialState
        self.eventTimes = eventTimes
        self.reactions = reactions
        self.endTime = endTime
        self.finalState = finalState
        self.noiseKey = noiseKey
        self.runnerUps = runnerUps
    }

    /// Number of events N.
    public var eventCount: Int { eventTimes.count }

    /// Start time of segment n (0 for n = 0, τ_n otherwise).
    @inlinable
    public func segmentStart(_ n: Int) -> Double { n == 0 ? 0 : eventTimes[n - 1] }
    /// End time of segment n (τ_{n+1}, or `endTime` for the last one).
    @inlinable
    public func segmentEnd(_ n: Int) -> Double { n == eventTimes.count ? endTime : eventTimes[n] }

    /// The values of a linear observable on every segment 0…N (N+1 values), replaying the events.
    public func observableSeries(_ observable: Observable, network: ReactionNetwork) -> [Double] {
        var value = observable.value(of: initialState)
        let jumps = network.reactions.map { observable.change(under: $0) }
        // Written once, never zeroed first (this runs once per trajectory and fit iteration).
        return [Double](unsafeUninitializedCapacity: eventCount + 1) { series, count in
            jumps.withUnsafeBufferPointer { jump in
            reactions.withUnsafeBufferPointer { r in
                series[0] = value
                for n in 0..<r.count {
                    value += jump[Int(r[n])]
                    series[n + 1] = value
                }
            }}
            count = eventCount + 1
        }
    }

    /// Species counts on every segment as a flat array [(N+1) × S], row n = x_n.
    public func stateSeries(network: ReactionNetwork) -> [Int] {
        let s = initialState.count
        var states = [Int](repeating: 0, count: (eventCount + 1) * s)
        var x = initialState
        for k in 0..<s { states[k] = x[k] }
        let changes = network.reactions.map(\.netChange)
        for n in 0..<eventCount {
            for term in changes[Int(reactions[n])] { x[term.species] += term.count }
            for k in 0..<s { states[(n + 1) * s + k] = x[k] }
        }
        return states
    }
}

/// A linear function of the state o(x) = Σ_s w_s·x_s, e.g. the number of open channels
/// (w = 1 on open states) or a current (w = unitary amplitude of each state). Linear
/// observables keep ∂o/∂x = w constant, which the adjoints use.
public struct Observable: Sendable, Hashable {
    /// One weight per species.
    public var weights: [Double]

    public init(weights: [Double]) { self.weights = weights }

    /// The count of a single species.
    public static func species(_ index: Int, of network: ReactionNetwork) -> Observable {
        var w = [Double](repeating: 0, count: network.speciesCount)
        if index >= 0 && index < w.count { w[index] = 1 }
        return Observable(weights: w)
    }

    /// o(x); species beyond `weights.count` count as weight 0.
    public func value(of state: [Int]) -> Double {
        var o = 0.0
        for s in 0..<min(state.count, weights.count) { o += weights[s] * Double(state[s]) }
        return o
    }

    /// The change of o when `reaction` fires.
    public func change(under reaction: Reaction) -> Double {
        reaction.netChange.reduce(0) { $0 + (($1.species < weights.count) ? weights[$1.species] * Double($1.count) : 0) }
    }
}
