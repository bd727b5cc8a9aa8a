// Gillespie's direct method (1977): exact trajectories, recorded as event lists or on a grid.

/// How the simulation loop finds the reaction that fires. Both are exact samplers of the same
/// process; they differ only in which uniform maps to which reaction, so trajectories differ
/// path by path but not in law.
public enum SSASelection: Sendable, Hashable {
    /// Inverse transform over the reactions in network order (cheapest for small networks).
    case direct
    /// Sorting direct method (McCollum et al. 2006): the scan runs over a permutation that moves
    /// a reaction one place forward each time it fires, so frequent reactions are found after a
    /// few terms; a0 is updated incrementally and re-summed every 1024 steps. For large networks.
    case sortingDirect
    /// `direct` for M ≤ `sortingThreshold` reactions, `sortingDirect` above.
    case automatic

    /// Above this many reactions `automatic` sorts. Measured (`patchfit bench engine --model
    /// chainN --selection …`, one core): equal speed up to 16 reactions (channel3, oscillator),
    /// sorting 1.2× faster at 14 reactions on a chain, 2× at 38, 5× at 118, 5.6× at 398.
    public static let sortingThreshold = 16
}

/// How the SSA draws its Exp(1) waiting times. Both are exact; they map the random stream to
/// different values, so a seed gives different (equally valid) trajectories under each.
public enum WaitingTimeSampler: Sendable, Hashable {
    /// −log(u): the stream every seed has always produced (default; keeps recorded seeds valid).
    case inverseTransform
    /// The ziggurat (`RandomStream.exponentialZiggurat()`): ~15 % faster forward pass.
    case ziggurat
}

/// Exact stochastic simulation by the direct method: a waiting time −log(u₁)/a0 and a reaction
/// chosen with probability a_j/a0 by inverse transform of u₂·a0 over the cumulative propensities.
/// After a firing only the propensities that read a changed species are re-evaluated; a0 is
/// re-summed each step (no drift) unless the sorting variant is selected. Zero-propensity
/// reactions can never be chosen.
///
/// Trajectory `index` of seed `seed` uses `RandomStream(seed: seed, stream: index)`, so results
/// do not depend on which thread runs them.
public struct DirectMethodSimulator: Sendable {
    /// The network simulated (its parameter values are used unless coordinates are passed).
    public let network: ReactionNetwork
    /// The selection scheme requested (`automatic` resolves by network size).
    public let selection: SSASelection
    /// How waiting times are drawn.
    public let waitingTimes: WaitingTimeSampler
    let compiled: CompiledNetwork
    let kernel: PropensityKernel
    /// The single-molecule form of a first-order network (nil otherwise).
    let chain: SingleMoleculeChain?
    /// Whether a single-channel network takes the single-molecule loop (same results; off
    /// only to compare it with the general loop).
    public var usesChainLoop = true
    /// Whether the network has the single-molecule form (one molecule, first-order reactions).
    public var hasChainLoop: Bool { chain != nil }

    public init(network: ReactionNetwork) {
        self.init(network: network, selection: .automatic)
    }

    /// - Parameters:
    ///   - selection: `.direct`, `.sortingDirect` or `.automatic` (by reaction count).
    ///   - waitingTimes: `.inverseTransform` (default) or `.ziggurat`.
    public init(network: ReactionNetwork, selection: SSASelection, waitingTimes: WaitingTimeSampler = .inverseTransform) {
        self.network = network
        self.selection = selection
        self.waitingTimes = waitingTimes
        self.compiled = CompiledNetwork(network)
        self.kernel = PropensityKernel(compiled)
        self.chain = SingleMoleculeChain(kernel)
    }

    /// Whether the loop uses the sorting scan for this network.
    var sorts: Bool {
        switch selection {
        case .direct: return false
        case .sortingDirect: return true
        case .automatic: return network.reactionCount > SSASelection.sortingThreshold
        }
    }

    /// Event horizons up to this many events record straight into the trajectory's arrays.
    static let directTapeLimit = 1 << 22

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
    ///   - recordingRunnerUps: also find each event's runner-up (`Trajectory.runnerUps`) for a
    ///     runner-up gradient to follow. Only closed-form mass-action networks of 3 or more
    ///     reactions on the direct method's loop record it (elsewhere the reverse pass does not
    ///     read it, and `runnerUps` stays empty). Events, times and the random stream are the same
    ///     either way.
    /// - Throws: `invalidPropensity` if a supplied law returns a negative or non-finite value,
    ///   `stepLimitExceeded` if a time horizon needs more than `horizon.maxEvents` events,
    ///   `invalidArgument` for a negative or NaN horizon.
    public func simulate(coordinates: [Double]? = nil, horizon: SimulationHorizon, seed: UInt64, index: Int = 0,
                         initialState: [Int]? = nil, recordingRunnerUps: Bool = false) throws -> Trajectory {
        let values = try coordinates.map { try network.parameterValues(from: $0) } ?? network.parameters.map(\.value)
        let x0 = initialState ?? network.initialState
        guard x0.count == network.speciesCount else {
            throw KineticsError.stateCountMismatch(expected: network.speciesCount, got: x0.count)
        }
        guard horizon.maxTime >= 0, horizon.maxEvents >= 0 else {
            throw KineticsError.invalidArgument("horizon must be ≥ 0")
        }
        var stream = RandomStream(seed: seed, stream: UInt64(truncatingIfNeeded: index))
        var x = x0
        let key = Self.noiseKey(seed: seed, index: index)
        let end: Double, times: [Double], reactions: [Int32]
        var runnerUps: [Int16] = []
        let records = recordingRunnerUps && recordsRunnerUps
        if !horizon.maxTime.isFinite && horizon.maxEvents <= Self.directTapeLimit {
            // Event horizon: at most maxEvents events, so the arrays are allocated once at that
            // size and filled in place (no growth, no copy).
            (times, reactions, runnerUps, end) = try runIntoArrays(values: values, state: &x, stream: &stream, horizon: horizon,
                                                                   runnerUpKey: records ? key : nil)
        } else {
            let expected = min(horizon.maxEvents, 1 << 16)
            var recorder = EventListRecorder(expected: expected)
            if records {
                var recording = RunnerUpRecording(recorder, key: key, expected: expected)
                do { end = try run(values: values, state: &x, stream: &stream, horizon: horizon, recorder: &recording) } catch {
                    _ = recording.base.finish()
                    _ = recording.finish(events: -1)
                    throw error
                }
                (times, reactions) = recording.base.finish()
                runnerUps = recording.finish(events: times.count)
            } else {
                do { end = try run(values: values, state: &x, stream: &stream, horizon: horizon, recorder: &recorder) } catch {
                    _ = recorder.finish()
                    throw error
                }
                (times, reactions) = recorder.finish()
            }
        }
        return Trajectory(initialState: x0, eventTimes: times, reactions: reactions, endTime: end,
                          finalState: x, noiseKey: key, runnerUps: runnerUps)
    }

    /// Whether this network's forward records runner-ups when asked: closed-form mass action of 3
    /// or more reactions (fewer than 32768) on the direct method's loop, the networks whose
    /// runner-up reverse pass reads them (`StraightThroughGradient.massActionReverse`).
    var recordsRunnerUps: Bool {
        let m = kernel.reactionCount
        return kernel.closedForm && !sorts && chain == nil && m > 2 && m <= Int(Int16.max)
    }

    /// Runs an event horizon straight into arrays of capacity `horizon.maxEvents`, with the
    /// runner-ups when `runnerUpKey` is given (else they come back empty).
    private func runIntoArrays(values: [Double], state: inout [Int], stream: inout RandomStream, horizon: SimulationHorizon,
                               runnerUpKey: UInt64?) throws -> ([Double], [Int32], [Int16], Double) {
        let capacity = max(horizon.maxEvents, 1)
        var count = 0, end = 0.0
        var failure: (any Error)?
        var reactions: [Int32] = [], runnerUps: [Int16] = []
        var x = state, rng = stream
        let times = [Double](unsafeUninitializedCapacity: capacity) { timeBuffer, timeCount in
            reactions = [Int32](unsafeUninitializedCapacity: capacity) { reactionBuffer, reactionCount in
                guard let t = timeBuffer.baseAddress, let r = reactionBuffer.baseAddress else { return }
                let tape = FixedTapeRecorder(times: t, reactions: r)
                do {
                    if let key = runnerUpKey {
                        runnerUps = try [Int16](unsafeUninitializedCapacity: capacity) { otherBuffer, otherCount in
                            guard let o = otherBuffer.baseAddress else { return }
                            var recorder = FixedRunnerUpRecording(tape, key: key, others: o)
                            defer { count = recorder.base.count; otherCount = count }
                            end = try run(values: values, state: &x, stream: &rng, horizon: horizon, recorder: &recorder)
                        }
                    } else {
                        var recorder = tape
                        defer { count = recorder.count }
                        end = try run(values: values, state: &x, stream: &rng, horizon: horizon, recorder: &recorder)
                    }
                } catch {
                    failure = error
                }
                reactionCount = count
            }
            timeCount = count
        }
        if let failure { throw failure }
        state = x
        stream = rng
        return (times, reactions, runnerUps, end)
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
}
