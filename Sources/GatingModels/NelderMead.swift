import Foundation

/// Nelder–Mead simplex minimisation with the dimension-adaptive coefficients of Gao & Han
/// (2012, Comput Optim Appl 51:259), restarted from the best point until a restart no longer
/// improves. Derivative-free, so it tolerates the kinks of the HJC pdf at 3 t_res.
public struct NelderMead: Sendable {
    /// Initial simplex step along each coordinate.
    public var initialStep: Double = 1.0
    /// Stop when the spread of function values in the simplex falls below this.
    public var functionTolerance: Double = 1e-7
    /// …and the simplex's largest coordinate extent falls below this.
    public var parameterTolerance: Double = 1e-6
    /// Hard cap on function evaluations (all restarts together).
    public var maxEvaluations: Int = 20_000
    /// Maximum number of restarts after the first convergence.
    public var maxRestarts: Int = 4
    /// Called after every iteration with (iterations so far, best objective value): for
    /// progress displays. Nil by default; never influences the result.
    public var progress: (@Sendable (Int, Double) -> Void)?

    public init() {}

    /// The result of a minimisation.
    public struct Result: Sendable {
        public var minimum: [Double]
        public var value: Double
        public var evaluations: Int
        public var iterations: Int
        public var converged: Bool
    }

    /// Minimises f from x0. Non-finite values of f are treated as +∞ (the simplex steps away).
    public func minimize(_ x0: [Double], _ f: ([Double]) -> Double) -> Result {
        let n = x0.count
        var evals = 0
        func eval(_ x: [Double]) -> Double {
            evals += 1
            let v = f(x)
            return v.isFinite ? v : .infinity
        }
        if n == 0 { return Result(minimum: x0, value: eval(x0), evaluations: evals, iterations: 0, converged: true) }
        let dn = Double(n)
        let alpha = 1.0, beta = 1 + 2 / dn, gamma = 0.75 - 1 / (2 * dn), delta = 1 - 1 / dn
        var best = x0, bestValue = eval(x0)
        var iterations = 0
        var converged = false
        var step = initialStep
        for restart in 0...maxRestarts {
            var simplex = [best]
            var values = [bestValue]
            for i in 0..<n {
                var x = best; x[i] += step
                simplex.append(x); values.append(eval(x))
            }
            converged = false
            while evals < maxEvaluations {
                iterations += 1
                let order = values.indices.sorted { values[$0] < values[$1] }
                simplex = order.map { simplex[$0] }; values = order.map { values[$0] }
                progress?(iterations, values[0])
                let spread = values[n] - values[0]
                var extent = 0.0
                for i in 1...n { for j in 0..<n { extent = max(extent, abs(simplex[i][j] - simplex[0][j])) } }
                if spread.isFinite && spread <= functionTolerance && extent <= parameterTolerance { converged = true; break }
                var centroid = [Double](repeating: 0, count: n)
                for i in 0..<n { for j in 0..<n { centroid[j] += simplex[i][j] / dn } }
                let worst = simplex[n]
                let xr = (0..<n).map { centroid[$0] + alpha * (centroid[$0] - worst[$0]) }
                let fr = eval(xr)
                if fr < values[0] {
                    let xe = (0..<n).map { centroid[$0] + beta * (xr[$0] - centroid[$0]) }
                    let fe = eval(xe)
                    if fe < fr { simplex[n] = xe; values[n] = fe } else { simplex[n] = xr; values[n] = fr }
                } else if fr < values[n - 1] {
                    simplex[n] = xr; values[n] = fr
                } else {
                    let outside = fr < values[n]
                    let xc = outside ? (0..<n).map { centroid[$0] + gamma * (xr[$0] - centroid[$0]) }
                                     : (0..<n).map { centroid[$0] + gamma * (worst[$0] - centroid[$0]) }
                    let fc = eval(xc)
                    if fc < (outside ? fr : values[n]) {
                        simplex[n] = xc; values[n] = fc
                    } else {
                        for i in 1...n {
                            simplex[i] = (0..<n).map { simplex[0][$0] + delta * (simplex[i][$0] - simplex[0][$0]) }
                            values[i] = eval(simplex[i])
                        }
                    }
                }
            }
            let k = values.indices.min { values[$0] < values[$1] } ?? 0
            let improved = bestValue - values[k]
            if values[k] <= bestValue { best = simplex[k]; bestValue = values[k] }
            if restart > 0 && improved <= functionTolerance * 10 { break }
            if evals >= maxEvaluations { break }
            step = max(step * 0.3, 10 * parameterTolerance)
        }
        return Result(minimum: best, value: bestValue, evaluations: evals, iterations: iterations, converged: converged)
    }
}
