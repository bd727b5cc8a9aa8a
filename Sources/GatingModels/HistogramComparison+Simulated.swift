import Foundation

extension HistogramComparison {
    /// A comparison whose prediction is simulated, not theoretical — for patches of several
    /// channels, where no closed-form apparent pdf is at hand. `apparent` are simulated dwells
    /// at the resolution (kept by the data's rule), `ideal` the same simulations' dwells before
    /// the resolution was imposed. Predicted counts: the observed total times the simulated
    /// fraction in each bin; curves: the simulated densities, drawn on the histogram's scale.
    /// Returns nil when either list is empty.
    public static func simulated(name: String, kind: String, durations: [Double], resolution tRes: Double,
                                 apparent: [Double], ideal: [Double]) -> HistogramComparison? {
        let data = durations.filter { $0.isFinite && $0 > 0 }
        let sim = apparent.filter { $0.isFinite && $0 > 0 }
        guard !data.isEmpty, !sim.isEmpty else { return nil }
        let (edges, dx) = logBinEdges(data, resolution: tRes)
        let counts = binCounts(data, edges: edges)
        let n = Double(data.count)
        // Simulated fraction per bin (simulated dwells beyond the last edge fall outside).
        let simCounts = binCounts(sim.filter { $0 >= edges[0] && $0 < edges[edges.count - 1] }, edges: edges)
        let predicted = simCounts.map { n * Double($0) / Double(sim.count) }
        let times = curveTimes(edges)
        // Densities on a grid four times finer than the display bins, per log-unit of time.
        func curve(_ samples: [Double], total: Double) -> [Double] {
            guard !samples.isEmpty else { return times.map { _ in 0 } }
            let fine = pow(dx, 0.25)
            let logLo = log(edges[0]), logFine = log(fine)
            let bins = Int((log(edges[edges.count - 1]) - logLo) / logFine) + 1
            var c = [Double](repeating: 0, count: max(bins, 1))
            for t in samples where t >= edges[0] {
                let k = Int((log(t) - logLo) / logFine)
                if k < c.count { c[k] += 1 }
            }
            // Counts per display bin ≈ total × fraction per log-width × log(dx); drawn as √.
            return times.map { t in
                let k = min(c.count - 1, max(0, Int((log(t) - logLo) / logFine)))
                return sqrt(total * c[k] / Double(samples.count) * 4)
            }
        }
        let idealAbove = Double(ideal.filter { $0 >= tRes }.count) / Double(max(ideal.count, 1))
        let nIdeal = idealAbove > 0 ? n / idealAbove : n
        return HistogramComparison(name: name, kind: kind, count: data.count, binEdges: edges, binRatio: dx,
                                   observedCounts: counts, predictedCounts: predicted,
                                   r2: rSquared(observed: counts, predicted: predicted),
                                   r2Ceiling: r2Ceiling(observed: counts, predicted: predicted), curveTimes: times,
                                   idealCurve: curve(ideal, total: nIdeal), apparentCurve: curve(sim, total: n))
    }
}
