// Throughput measurement of the engine (used by `patchfit bench engine`; never by tests).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Steps per second of the exact forward pass and of forward + reverse pass on one model.
public struct EngineThroughput: Sendable, Codable, Hashable {
    /// Model label (e.g. "channel3").
    public var model: String
    /// Worker threads used.
    public var threads: Int
    /// Events simulated per second divided by `threads`.
    public var forwardStepsPerSecondPerCore: Double
    /// Events simulated and differentiated (forward + loss adjoint + reverse) per second / threads.
    public var gradientStepsPerSecondPerCore: Double
    /// The same rates per CPU-second of the process (insensitive to other load on the machine).
    public var forwardStepsPerCPUSecond: Double
    public var gradientStepsPerCPUSecond: Double
    /// Events differentiated per second / threads by the reverse pass alone (tape and loss
    /// adjoint given): the "backward" of forward + backward.
    public var backwardStepsPerSecondPerCore: Double
    /// Events per second / threads of building the loss adjoint (observable series + time
    /// average adjoint): the loss's share of `gradientStepsPerSecondPerCore`.
    public var lossAdjointStepsPerSecondPerCore: Double
    /// Events simulated per second / threads by the forward of a gradient step: the same events
    /// as the forward's, plus what the reverse pass reads from it (the runner-up relaxation's
    /// runner-ups); equal in work to `forwardStepsPerSecondPerCore` where nothing is recorded.
    public var gradientForwardStepsPerSecondPerCore: Double

    enum CodingKeys: String, CodingKey {
        case model, threads
        case forwardStepsPerSecondPerCore = "forward_steps_per_second_per_core"
        case gradientStepsPerSecondPerCore = "gradient_steps_per_second_per_core"
        case forwardStepsPerCPUSecond = "forward_steps_per_cpu_second"
        case gradientStepsPerCPUSecond = "gradient_steps_per_cpu_second"
        case backwardStepsPerSecondPerCore = "backward_steps_per_second_per_core"
        case lossAdjointStepsPerSecondPerCore = "loss_adjoint_steps_per_second_per_core"
        case gradientForwardStepsPerSecondPerCore = "gradient_forward_steps_per_second_per_core"
    }
}

/// Measures the engine on a network with a time-average loss of `observable`.
public enum EngineBenchmark {
    /// Runs `trajectories` trajectories of `eventsPerTrajectory` events (event horizon) with
    /// `threads` workers, best of `repeats`, and reports steps/s per core. The gradient figure
    /// times the whole step of a fit (forward + loss adjoint + reverse); the backward and
    /// loss-adjoint figures time those two parts alone.
    /// - Throws: simulation errors, `invalidArgument` for non-positive sizes.
    public static func measure(model: String, network: ReactionNetwork, observable: Observable,
                               eventsPerTrajectory: Int, trajectories: Int, threads: Int, repeats: Int = 3,
                               options: GradientOptions = GradientOptions(),
                               selection: SSASelection = .automatic,
                               waitingTimes: WaitingTimeSampler = .inverseTransform) throws -> EngineThroughput {
        guard eventsPerTrajectory > 0, trajectories > 0, threads > 0, repeats > 0 else {
            throw KineticsError.invalidArgument("benchmark sizes must be positive")
        }
        let ensemble = try EnsembleSimulator(network: network, options: options, selection: selection,
                                             waitingTimes: waitingTimes)
        let horizon = SimulationHorizon.events(eventsPerTrajectory)
        let clock = ContinuousClock()
        var bestForward = Double.infinity, bestGradient = Double.infinity
        var bestForwardCPU = Double.infinity, bestGradientCPU = Double.infinity
        var bestBackward = Double.infinity, bestAdjoint = Double.infinity, bestGradientForward = Double.infinity
        var events = 0
        for r in 0..<repeats {
            let start = clock.now, cpuStart = cpuSeconds()
            let paths = try ensemble.simulate(trajectories: trajectories, horizon: horizon, seed: UInt64(r), threads: threads)
            bestForward = min(bestForward, seconds(clock.now - start))
            bestForwardCPU = min(bestForwardCPU, cpuSeconds() - cpuStart)
            events = paths.reduce(0) { $0 + $1.eventCount }

            let gradientStart = clock.now, gradientCPUStart = cpuSeconds()
            let again = try ensemble.simulate(trajectories: trajectories, horizon: horizon, seed: UInt64(r), threads: threads,
                                              forGradient: true)
            let net = network, obs = observable
            let adjointStart = clock.now
            bestGradientForward = min(bestGradientForward, seconds(adjointStart - gradientStart))
            let adjoints = try ParallelEnsemble.map(count: again.count, threads: threads) { i -> TrajectoryAdjoint in
                let path = again[i]
                let series = path.observableSeries(obs, network: net)
                var adjoint = TrajectoryAdjoint(for: path, speciesCount: net.speciesCount, observing: [obs])
                TrajectoryStatistics.addTimeAverageAdjoint(path, series: series, observable: obs, from: 0, to: path.endTime,
                                                           weight: 1, into: &adjoint)
                return adjoint
            }
            let backwardStart = clock.now
            bestAdjoint = min(bestAdjoint, seconds(backwardStart - adjointStart))
            _ = try ensemble.gradient(trajectories: again, adjoints: adjoints, threads: threads)
            bestBackward = min(bestBackward, seconds(clock.now - backwardStart))
            bestGradient = min(bestGradient, seconds(clock.now - gradientStart))
            bestGradientCPU = min(bestGradientCPU, cpuSeconds() - gradientCPUStart)
        }
        let perCore = Double(events) / Double(threads)
        return EngineThroughput(model: model, threads: threads, forwardStepsPerSecondPerCore: perCore / bestForward,
                                gradientStepsPerSecondPerCore: perCore / bestGradient,
                                forwardStepsPerCPUSecond: Double(events) / bestForwardCPU,
                                gradientStepsPerCPUSecond: Double(events) / bestGradientCPU,
                                backwardStepsPerSecondPerCore: perCore / bestBackward,
                                lossAdjointStepsPerSecondPerCore: perCore / bestAdjoint,
                                gradientForwardStepsPerSecondPerCore: perCore / bestGradientForward)
    }

    /// CPU time of the whole process (all threads), seconds.
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
