// A small driver for gradient-descent fits on θ with iterate averaging.

/// The outcome of `GradientFit.run`.
public struct GradientFitResult: Sendable {
    /// θ after every iteration (iterates[0] is the start).
    public var iterates: [[Double]]
    /// Loss at every iteration (evaluated before its step).
    public var losses: [Double]
    /// The estimate: the mean of the last `averagedFraction` of the iterates (Polyak averaging,
    /// which removes most of the stochastic-gradient jitter).
    public var estimate: [Double]
}

/// Runs `iterations` optimiser steps on θ. `objective(iteration, θ)` returns (loss, ∂L/∂θ);
/// it typically simulates an ensemble with seed derived from the iteration, so the whole fit is
/// a function of the seeds. Progress (iteration, loss) is reported after each step if requested.
public enum GradientFit {
    /// - Throws: whatever `objective` throws, and `invalidArgument` for iterations < 1 or a
    ///   fraction outside (0, 1].
    public static func run<O: GradientOptimizer>(start: [Double], iterations: Int, optimizer: O,
                                                 averagedFraction: Double = 0.25,
                                                 progress: ((Int, Double) -> Void)? = nil,
                                                 objective: (Int, [Double]) throws -> (loss: Double, gradient: [Double])) throws -> GradientFitResult {
        guard iterations >= 1 else { throw KineticsError.invalidArgument("iterations must be ≥ 1") }
        guard averagedFraction > 0 && averagedFraction <= 1 else {
            throw KineticsError.invalidArgument("averaged fraction must lie in (0, 1]")
        }
        var optimizer = optimizer
        var theta = start
        var iterates = [start], losses: [Double] = []
        for i in 0..<iterations {
            let (loss, gradient) = try objective(i, theta)
            losses.append(loss)
            optimizer.step(&theta, gradient: gradient)
            iterates.append(theta)
            progress?(i, loss)
        }
        let tail = max(1, Int((Double(iterations) * averagedFraction).rounded()))
        let kept = iterates.suffix(tail)
        var estimate = [Double](repeating: 0, count: start.count)
        for t in kept { for k in estimate.indices { estimate[k] += t[k] / Double(kept.count) } }
        return GradientFitResult(iterates: iterates, losses: losses, estimate: estimate)
    }
}
