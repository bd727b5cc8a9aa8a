import CNLopt
import Foundation

/// Powell's BOBYQA (bound-constrained optimisation by quadratic approximation), from NLopt:
/// derivative-free like the simplex, but it builds a quadratic model of the objective from its
/// evaluations and so keeps moving along long curved valleys — where a simplex in 20 dimensions
/// crawls (Burzomato's GlyR mechanism: 20 free rates). Used by `ExactFit` to polish the
/// simplex's estimate.
public struct BOBYQA: Sendable {
    /// Initial trust-region radius, in the coordinates' units (log-rates: 0.5 ≈ a factor 1.6).
    public var initialStep: Double = 0.5
    /// Stop when a step changes every coordinate by less than this (absolute, log-rates).
    public var parameterTolerance: Double = 1e-6
    /// …or the objective by less than this.
    public var functionTolerance: Double = 1e-7
    /// Hard cap on function evaluations.
    public var maxEvaluations: Int = 20_000
    /// Every coordinate stays within x0 ± this (log-rates: ±30 is a factor 10¹³).
    public var halfWidth: Double = 30
    /// Called with (evaluations so far, best value); never influences the result.
    public var progress: (@Sendable (Int, Double) -> Void)?

    public init() {}

    /// Minimises f from x0. Non-finite values of f are treated as a large finite penalty (BOBYQA
    /// needs numbers to model). Returns the best point seen; `converged` is true when a tolerance
    /// (not the evaluation cap) stopped it.
    public func minimize(_ x0: [Double], _ f: ([Double]) -> Double) -> NelderMead.Result {
        let n = x0.count
        // BOBYQA needs at least two dimensions and a finite start.
        guard n >= 2, let opt = nlopt_create(NLOPT_LN_BOBYQA, UInt32(n)) else {
            var simplex = NelderMead()
            simplex.maxEvaluations = maxEvaluations
            simplex.progress = progress
            return simplex.minimize(x0, f)
        }
        defer { nlopt_destroy(opt) }
        return withoutActuallyEscaping(f) { f in
            let box = Objective(f: f, start: x0, progress: progress)
            let context = Unmanaged.passUnretained(box).toOpaque()
            nlopt_set_min_objective(opt, { count, x, _, data in
                guard let x, let data else { return .greatestFiniteMagnitude }
                let box = Unmanaged<Objective>.fromOpaque(data).takeUnretainedValue()
                return box.evaluate(Array(UnsafeBufferPointer(start: x, count: Int(count))))
            }, context)
            nlopt_set_lower_bounds(opt, x0.map { $0 - halfWidth })
            nlopt_set_upper_bounds(opt, x0.map { $0 + halfWidth })
            nlopt_set_initial_step1(opt, initialStep)
            nlopt_set_xtol_abs1(opt, parameterTolerance)
            nlopt_set_ftol_abs(opt, functionTolerance)
            nlopt_set_maxeval(opt, Int32(clamping: maxEvaluations))
            var x = x0, value = 0.0
            let status = nlopt_optimize(opt, &x, &value)
            let converged = status == NLOPT_FTOL_REACHED || status == NLOPT_XTOL_REACHED || status == NLOPT_SUCCESS
            // On failure NLopt may leave x anywhere; the best point seen is what we report.
            return NelderMead.Result(minimum: box.best, value: box.bestValue, evaluations: box.evaluations,
                                     iterations: box.evaluations, converged: converged)
        }
    }

    /// The objective as NLopt calls it, with the bookkeeping NLopt does not do for us.
    private final class Objective {
        let f: ([Double]) -> Double
        let progress: (@Sendable (Int, Double) -> Void)?
        var evaluations = 0
        var best: [Double]
        var bestValue = Double.infinity

        init(f: @escaping ([Double]) -> Double, start: [Double], progress: (@Sendable (Int, Double) -> Void)?) {
            self.f = f
            self.best = start
            self.progress = progress
        }

        func evaluate(_ x: [Double]) -> Double {
            evaluations += 1
            let v = f(x)
            if v.isFinite && v < bestValue { bestValue = v; best = x }
            progress?(evaluations, bestValue)
            // A likelihood of zero somewhere in the region: a penalty well above anything seen.
            return v.isFinite ? v : (bestValue.isFinite ? abs(bestValue) * 10 + 1e6 : 1e300)
        }
    }
}
