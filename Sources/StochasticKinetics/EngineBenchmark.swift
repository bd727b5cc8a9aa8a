// Throughput measurement of the engine (used by `patchfit bench engine`; never by tests).

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

    enum CodingKeys: String, CodingKey {
        case model, threads
        case forwardStepsPerSecondPerCore = "forward_steps_per_second_per_core"
        case gradientStepsPerSecondPerCore = "gradient_steps_per_second_per_core"
    }
}

/// Measures the engine on a network with a time-average loss of `observable`.
public enum EngineBenchmark {
    /// Runs `trajectories` trajectories of `eventsPerTrajectory` events (event horizon) with
    /// `threads` workers, best of `repeats`, and reports steps/s per core.
    /// - Throws: simulation errors, `invalidArgument` for non-positive sizes.
    public static func measure(model: String, network: ReactionNetwork, observable: Observable,
                               eventsPerTrajectory: Int, trajectories: Int, threads: Int, repeats: Int = 3,
                               options: GradientOptions = GradientOptions()) throws -> EngineThroughput {
        guard eventsPerTrajectory > 0, trajectories > 0, threads > 0, repeats > 0 else {
            throw KineticsError.invalidArgument("benchmark sizes must be positive")
        }
        let ensemble = try EnsembleSimulator(network: network, options: options)
        let horizon = SimulationHorizon.events(eventsPerTrajectory)
        let clock = ContinuousClock()
        var bestForward = Double.infinity, bestGradient = Double.infinity
        var events = 0
        for r in 0..<repeats {
            let start = clock.now
            let paths = try ensemble.simulate(trajectories: trajectories, horizon: horizon, seed: UInt64(r), threads: threads)
            bestForward = min(bestForward, seconds(clock.now - start))
            events = paths.reduce(0) { $0 + $1.eventCount }

            let gradientStart = clock.now
            let again = try ensemble.simulate(trajectories: trajectories, horizon: horizon, seed: UInt64(r), threads: threads)
            let net = network, obs = observable
            let adjoints = try ParallelEnsemble.map(count: again.count, threads: threads) { i -> TrajectoryAdjoint in
                let path = again[i]
                let series = path.observableSeries(obs, network: net)
                var adjoint = TrajectoryAdjoint(for: path, speciesCount: net.speciesCount)
                TrajectoryStatistics.addTimeAverageAdjoint(path, series: series, observable: obs, from: 0, to: path.endTime,
                                                           weight: 1, into: &adjoint)
                return adjoint
            }
            _ = try ensemble.gradient(trajectories: again, adjoints: adjoints, threads: threads)
            bestGradient = min(bestGradient, seconds(clock.now - gradientStart))
        }
        let perCore = Double(events) / Double(threads)
        return EngineThroughput(model: model, threads: threads, forwardStepsPerSecondPerCore: perCore / bestForward,
                                gradientStepsPerSecondPerCore: perCore / bestGradient)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
