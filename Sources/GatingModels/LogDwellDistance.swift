import Foundation

/// The quantile-matching loss of the SSA route (ARCHITECTURE.md §3: "sort both, compare matched
/// quantiles"): the squared 2-Wasserstein distance between the simulated and the observed
/// distributions of log dwell time,
///   L = (1/n) Σ_i (log d_(i) − Q_obs(p_i))²,  p_i = (i + ½)/n,
/// over the n simulated durations sorted ascending, with Q_obs the observed empirical quantile
/// function of log duration (linear between order statistics). Every simulated dwell gets a
/// gradient ∂L/∂d_(i) = 2(log d_(i) − Q_obs(p_i))/(n·d_(i)) — sorting is piecewise the identity —
/// so the estimator uses all of them, not a handful of matched ranks.
public struct LogDwellDistance: Sendable, Equatable {
    /// Observed log durations, sorted ascending.
    public let observedLogs: [Double]

    /// - Throws: `invalidArgument` if no observed duration is positive and finite.
    public init(observed durations: [Double]) throws {
        let logs = durations.filter { $0 > 0 && $0.isFinite }.map { log($0) }.sorted()
        guard !logs.isEmpty else { throw GatingModelsError.invalidArgument(name: "durations", reason: "no positive observed durations") }
        observedLogs = logs
    }

    /// Q_obs(p): the observed log-duration quantile, interpolated between order statistics at
    /// plotting positions (k + ½)/m and held flat beyond the extreme ones.
    public func quantile(_ p: Double) -> Double {
        let m = observedLogs.count
        let x = p * Double(m) - 0.5
        if x <= 0 { return observedLogs[0] }
        if x >= Double(m - 1) { return observedLogs[m - 1] }
        let k = Int(x), f = x - Double(k)
        return observedLogs[k] + f * (observedLogs[k + 1] - observedLogs[k])
    }

    /// The loss and ∂L/∂d_i for each simulated duration (in the order given). With no positive
    /// simulated duration the loss is +∞ and the gradient 0.
    public func evaluate(simulated d: [Double]) -> (loss: Double, gradient: [Double]) {
        var gradient = [Double](repeating: 0, count: d.count)
        let order = d.indices.filter { d[$0] > 0 && d[$0].isFinite }.sorted { d[$0] < d[$1] || (d[$0] == d[$1] && $0 < $1) }
        guard !order.isEmpty else { return (.infinity, gradient) }
        let n = Double(order.count)
        var loss = 0.0
        for (rank, i) in order.enumerated() {
            let residual = log(d[i]) - quantile((Double(rank) + 0.5) / n)
            loss += residual * residual / n
            gradient[i] = 2 * residual / (n * d[i])
        }
        return (loss, gradient)
    }

    /// Each simulated duration's share of the loss's first variation, for the likelihood-ratio
    /// gradient: ψ(log d_i)/n, where ψ is the Kantorovich potential of the transport from the
    /// simulated to the observed log durations, ψ′(x) = 2(x − T(x)), T(x_(i)) = Q_obs(p_i)
    /// (integrated by the trapezoid rule along the sorted sample), centred: the loss depends on
    /// the normalised distribution, so its derivative with respect to one more sample at x is
    /// ψ(x) − mean ψ. Then ∂L/∂θ = E[Σ_i (ψ(x_i) − ψ̄)/n · ∂log p(x_i)/∂θ]: a pure log-shift s
    /// gives ψ = 2s·x and recovers ∂(s²)/∂θ. (∂L/∂x_i itself would be the wrong weight: the
    /// loss is not linear in the sample.)
    public func potentials(simulated d: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: d.count)
        let order = d.indices.filter { d[$0] > 0 && d[$0].isFinite }.sorted { d[$0] < d[$1] || (d[$0] == d[$1] && $0 < $1) }
        guard !order.isEmpty else { return out }
        let n = Double(order.count)
        var psi = 0.0, lastX = log(d[order[0]]), lastSlope = 2 * (lastX - quantile(0.5 / n))
        for (rank, i) in order.enumerated() {
            let x = log(d[i])
            let slope = 2 * (x - quantile((Double(rank) + 0.5) / n))
            psi += 0.5 * (slope + lastSlope) * (x - lastX)
            out[i] = psi / n
            lastX = x; lastSlope = slope
        }
        let mean = order.reduce(0) { $0 + out[$1] } / n
        for i in order { out[i] -= mean }
        return out
    }
}
