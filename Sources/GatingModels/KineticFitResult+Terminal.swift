import Foundation

extension KineticFitResult {
    /// What `patchfit fit` prints on a terminal: how the fit went, the log-likelihood, R² per
    /// histogram (with what counting noise leaves a perfect model), and a table of rates ± SD with units
    /// and roles. `fit.json` holds the same numbers at full precision.
    public var terminalSummary: String {
        var lines: [String] = []
        let state = converged ? "converged" : "stopped before converging"
        lines.append("\(route) route: \(method)")
        lines.append(String(format: "%@ after %d iterations (%d evaluations) in %.3g s", state, iterations, evaluations, wallSeconds))
        if logLikelihood.isFinite {
            let start = initialLogLikelihood.isFinite ? String(format: " (start %.2f)", initialLogLikelihood) : ""
            lines.append(String(format: "log-likelihood %.2f", logLikelihood) + start)
        }
        for h in histograms {
            guard let r2 = h.r2 else { continue }
            let ceiling = h.r2Ceiling.map { String(format: " (a perfect model would expect %.3f)", $0) } ?? ""
            lines.append(String(format: "R² %@: %.3f", h.name, r2) + ceiling)
        }
        let nameWidth = max(4, rates.map(\.name.count).max() ?? 0)
        func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
        lines.append("")
        lines.append(pad("rate", nameWidth) + "  " + pad("value", 11) + "  " + pad("SD", 9) + "  " + pad("unit", 7) + "  role")
        for r in rates {
            let sd = r.standardDeviation.map { String(format: "%.3g", $0) } ?? "—"
            lines.append(pad(r.name, nameWidth) + "  " + pad(String(format: "%.5g", r.value), 11) + "  " + pad(sd, 9) + "  "
                         + pad(scheme.unit(ofRate: r.name), 7) + "  " + r.role)
        }
        return lines.joined(separator: "\n")
    }
}
