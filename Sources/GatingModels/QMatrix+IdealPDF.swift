import Foundation

// Ideal (no missed events) open and shut time distributions: sums of exponentials whose
// rates are the eigenvalues of −Q_AA and −Q_FF (Colquhoun & Hawkes 1982, eqs. 3.5–3.9).

extension QMatrix {
    /// The ideal open-time pdf f(t) = φ_A exp(Q_AA t) Q_AF u_F as kA exponentials.
    public func idealOpenTimePDF() throws -> ExponentialMixture {
        try idealSojournPDF(enter: try openingInitialVector(), within: openStates, leaving: shutStates)
    }

    /// The ideal shut-time pdf f(t) = φ_F exp(Q_FF t) Q_FA u_A as kF exponentials.
    public func idealShutTimePDF() throws -> ExponentialMixture {
        try idealSojournPDF(enter: try shuttingInitialVector(), within: shutStates, leaving: openStates)
    }

    /// The pdf of a sojourn in `within` entered with distribution `phi` and ended by a
    /// transition into `leaving`: Σ_i (φ A_i Q_WL u) e^{−λ_i t}, area_i = coefficient/λ_i.
    func idealSojournPDF(enter phi: [Double], within: [Int], leaving: [Int]) throws -> ExponentialMixture {
        let qWW = block(within, within)
        let qWL = block(within, leaving)
        let spec = try (-qWW).spectralDecomposition()
        let exitVector = qWL * [Double](repeating: 1, count: leaving.count)
        var rates: [Double] = [], areas: [Double] = []
        for (i, lambda) in spec.eigenvalues.enumerated() {
            let w = dot(phi * spec.spectralMatrices[i], exitVector)
            rates.append(lambda)
            areas.append(w / lambda)
        }
        return ExponentialMixture(rates: rates, areas: areas)
    }
}
