// Simulating and differentiating whole ensembles: the entry point for fitting.

/// Simulates N trajectories of a network in parallel and back-propagates per-trajectory loss
/// adjoints into ∂L/∂θ. This is the API gating-scheme fitting builds on:
/// 1. `simulate` → `[Trajectory]` (event lists: times + reactions; states by replay);
/// 2. the caller computes its loss and one `TrajectoryAdjoint` per trajectory
///    (helpers: `TrajectoryStatistics`, `QuantileMatching`);
/// 3. `gradient` → ∂L/∂θ summed over trajectories in index order.
public struct EnsembleSimulator: Sendable {
    public let simulator: DirectMethodSimulator
    public let reverse: StraightThroughGradient
    /// Upper bound on event storage for one `simulate` call (bytes); default 8 GB.
    public var memoryBudgetBytes: Double = 8e9

    /// - Parameters:
    ///   - selection: the SSA's reaction selection (default: by network size).
    ///   - waitingTimes: how the SSA draws waiting times (default: −log u, the historical stream).
    /// - Throws: `invalidArgument` for invalid gradient options.
    public init(network: ReactionNetwork, options: GradientOptions = GradientOptions(),
                selection: SSASelection = .automatic, waitingTimes: WaitingTimeSampler = .inverseTransform) throws {
        simulator = DirectMethodSimulator(network: network, selection: selection, waitingTimes: waitingTimes)
        reverse = try StraightThroughGradient(network: network, options: options)
    }

    public var network: ReactionNetwork { simulator.network }

    /// N independent trajectories; trajectory i uses stream (seed, i).
    /// - Parameter forGradient: the trajectories will be differentiated with this ensemble's
    ///   options. With the runner-up relaxation the forward then records each event's runner-up
    ///   (`Trajectory.runnerUps`, 2 bytes per event), which spares the reverse pass re-deriving
    ///   every propensity; the events themselves are the same either way.
    /// - Throws: `invalidArgument` for N < 1, `memoryBudgetExceeded` when the expected event
    ///   storage (12 bytes per event, 14 with runner-ups; the expected count from a0 at x(0) for
    ///   time horizons) is above `memoryBudgetBytes`, and any simulation error (lowest index first).
    public func simulate(coordinates: [Double]? = nil, trajectories: Int, horizon: SimulationHorizon, seed: UInt64,
                         threads: Int? = nil, forGradient: Bool = false,
                         progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [Trajectory] {
        guard trajectories >= 1 else { throw KineticsError.invalidArgument("trajectory count must be ≥ 1") }
        let expected = try expectedEvents(coordinates: coordinates, horizon: horizon)
        let runnerUps = forGradient && reverse.readsRunnerUps
        let bytes = (runnerUps ? 14 : 12) * expected * Double(trajectories)
        guard bytes <= memoryBudgetBytes else {
            throw KineticsError.memoryBudgetExceeded(requiredBytes: bytes, budgetBytes: memoryBudgetBytes)
        }
        let sim = simulator
        return try ParallelEnsemble.map(count: trajectories, threads: threads, progress: progress) { i in
            try sim.simulate(coordinates: coordinates, horizon: horizon, seed: seed, index: i, recordingRunnerUps: runnerUps)
        }
    }

    /// Expected events per trajectory: maxEvents for an event horizon, else a0(x(0))·T capped
    /// by the event limit (a rough but cheap estimate used for the memory check).
    public func expectedEvents(coordinates: [Double]?, horizon: SimulationHorizon) throws -> Double {
        if !horizon.maxTime.isFinite { return Double(horizon.maxEvents) }
        let net = try coordinates.map { try network.with(coordinates: $0) } ?? network
        let a0 = try net.propensities(counts: net.initialState).reduce(0, +)
        return min(Double(horizon.maxEvents), a0 * horizon.maxTime)
    }

    /// Σ_i ∂L/∂θ over trajectories (index order), each clipped per `GradientOptions.clipNorm`.
    /// `progress(done, total)` is called after each trajectory's reverse pass (from worker
    /// threads, serialised), as for `simulate`.
    /// - Throws: `invalidArgument` if the adjoint count differs from the trajectory count.
    public func gradient(trajectories: [Trajectory], adjoints: [TrajectoryAdjoint], coordinates: [Double]? = nil,
                         threads: Int? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [Double] {
        try ParallelEnsemble.sum(perTrajectoryGradients(trajectories: trajectories, adjoints: adjoints,
                                                        coordinates: coordinates, threads: threads, progress: progress))
    }

    /// ∂L/∂θ of each trajectory separately (for variance estimates).
    public func perTrajectoryGradients(trajectories: [Trajectory], adjoints: [TrajectoryAdjoint],
                                       coordinates: [Double]? = nil, threads: Int? = nil,
                                       progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [[Double]] {
        guard trajectories.count == adjoints.count else {
            throw KineticsError.invalidArgument("\(trajectories.count) trajectories but \(adjoints.count) adjoints")
        }
        let rev = reverse
        return try ParallelEnsemble.map(count: trajectories.count, threads: threads, progress: progress) { i in
            try rev.gradient(of: trajectories[i], adjoint: adjoints[i], coordinates: coordinates)
        }
    }
}
