// First-order optimisers on parameter coordinates θ, with learning-rate schedules.

/// A learning rate as a function of the iteration (0-based).
public enum LearningRateSchedule: Sendable, Hashable {
    /// The same rate every iteration.
    case constant(Double)
    /// Geometric decay from `initial` at iteration 0 to `final` at iteration `iterations − 1`
    /// (e.g. 0.05 → 0.005), held at `final` afterwards.
    case exponentialDecay(initial: Double, final: Double, iterations: Int)

    /// The rate at `iteration`.
    public func rate(at iteration: Int) -> Double {
        switch self {
        case .constant(let r): return r
        case .exponentialDecay(let a, let b, let n):
            guard n > 1 else { return b }
            let f = Double(min(max(iteration, 0), n - 1)) / Double(n - 1)
            return a * libmExp(f * libmLog(b / a))
        }
    }
}

/// An optimiser that turns gradients into steps on θ.
public protocol GradientOptimizer: Sendable {
    /// Updates `theta` in place with `gradient` (∂L/∂θ, same length).
    mutating func step(_ theta: inout [Double], gradient: [Double])
}

/// Plain (stochastic) gradient descent θ ← θ − η_t·g.
public struct SGD: GradientOptimizer {
    public var schedule: LearningRateSchedule
    public private(set) var iteration = 0

    public init(schedule: LearningRateSchedule) { self.schedule = schedule }

    public mutating func step(_ theta: inout [Double], gradient: [Double]) {
        let rate = schedule.rate(at: iteration)
        for k in theta.indices where k < gradient.count { theta[k] -= rate * gradient[k] }
        iteration += 1
    }
}

/// Adam (Kingma & Ba 2015) with bias-corrected moments. Non-finite gradient entries are treated
/// as 0 for that step so one bad trajectory cannot poison the moments.
public struct Adam: GradientOptimizer {
    public var schedule: LearningRateSchedule
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public private(set) var iteration = 0
    var m: [Double] = []
    var v: [Double] = []

    public init(schedule: LearningRateSchedule, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.schedule = schedule
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public mutating func step(_ theta: inout [Double], gradient: [Double]) {
        if m.count != theta.count {
            m = [Double](repeating: 0, count: theta.count)
            v = m
        }
        iteration += 1
        let rate = schedule.rate(at: iteration - 1)
        let c1 = 1 - pow(beta1, Double(iteration)), c2 = 1 - pow(beta2, Double(iteration))
        for k in theta.indices {
            let g = k < gradient.count && gradient[k].isFinite ? gradient[k] : 0
            m[k] = beta1 * m[k] + (1 - beta1) * g
            v[k] = beta2 * v[k] + (1 - beta2) * g * g
            theta[k] -= rate * (m[k] / c1) / ((v[k] / c2).squareRoot() + epsilon)
        }
    }
}

private func pow(_ x: Double, _ y: Double) -> Double { libmExp(y * libmLog(x)) }
