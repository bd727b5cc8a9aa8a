// Whether a fit can trust its gradient: the straight-through estimate beside finite differences.

/// ∂L/∂θ of a `WindowAverageFit` loss at one point by the straight-through estimator and by
/// central finite differences, both on ensembles of the same size and stream seed.
public struct GradientCheck: Sendable {
    /// The fitted parameters' names (coordinate order).
    public var parameters: [String]
    /// ∂L/∂θ_k (θ the parameter coordinates: log k for log-scale rates), straight-through.
    public var straightThrough: [Double]
    /// (L(θ + h·e_k) − L(θ − h·e_k))/(2h), both losses from the same seed's trajectories.
    public var finiteDifference: [Double]
    /// L at θ and the step h.
    public var loss: Double
    public var step: Double
    public var trajectories: Int

    /// Whether each straight-through component has the finite difference's sign (a zero on either
    /// side counts as agreement) — what a sign-driven optimiser such as Adam needs first.
    public var signsAgree: [Bool] {
        zip(straightThrough, finiteDifference).map { $0 * $1 >= 0 }
    }
}

extension WindowAverageFit {
    /// The straight-through gradient at `theta` against central differences of the loss.
    ///
    /// Every ensemble (the gradient's and the 2 per fitted coordinate) uses stream seed `seed`,
    /// so the differences share their random numbers: the SSA's trajectories still jump with θ, so
    /// the differences carry Monte-Carlo noise that falls with `trajectoriesPerIteration`, and a
    /// bias O(h²). Both estimate the gradient of the loss of the ensemble mean. The straight-through
    /// estimator is biased (README, "Choosing K"); where its bias flips a sign, a fit from `theta`
    /// walks the wrong way.
    /// - Throws: `invalidArgument` unless 0 < h < ∞; simulation errors.
    public func gradientCheck(coordinates theta: [Double], step h: Double = 0.1, seed: UInt64,
                              threads: Int? = nil) throws -> GradientCheck {
        guard h > 0, h.isFinite else { throw KineticsError.invalidArgument("finite-difference step must be positive") }
        let (loss, gradient) = try lossAndGradient(coordinates: theta, seed: seed, threads: threads)
        let ensemble = try EnsembleSimulator(network: network, options: options)
        func lossAt(_ point: [Double]) throws -> Double {
            let paths = try ensemble.simulate(coordinates: point, trajectories: trajectoriesPerIteration, horizon: .time(horizon),
                                              seed: seed, threads: threads)
            return self.loss(means: Self.means(paths, network: network, observables: observables, windows: windows))
        }
        let indices = fitted.indices.filter { fitted[$0] }
        var differences: [Double] = []
        for k in indices {
            var up = theta, down = theta
            up[k] += h
            down[k] -= h
            differences.append((try lossAt(up) - lossAt(down)) / (2 * h))
        }
        return GradientCheck(parameters: indices.map { network.parameters[$0].name },
                             straightThrough: indices.map { gradient[$0] }, finiteDifference: differences,
                             loss: loss, step: h, trajectories: trajectoriesPerIteration)
    }
}
