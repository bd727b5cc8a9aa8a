import Foundation

// First-order ("MIL-style") missed-event correction (Qin, Auerbach & Sachs 1996, Biophys J
// 70:264; Crouzy & Sigworth 1990): an apparent sojourn is treated as Markov with the
// corrected generator
//   eQ_AA = H_AA(0) = Q_AA + Q_AF (−Q_FF)⁻¹ (I − e^{Q_FF τ}) Q_FA,   eQ_AF = Q_AF e^{Q_FF τ},
// and the same for F. Rows of eQ sum to zero; the apparent pdfs are then plain sums of
// exponentials starting at τ. It agrees with the exact HJC form to first order in τ.

extension MissedEventsTheory {
    /// The first-order corrected generator eQ in the scheme's state order.
    public var firstOrderQ: Matrix {
        let a = openStateIndices, f = shutStateIndices
        let n = a.count + f.count
        var q = Matrix(rows: n, columns: n)
        let hAA = -((try? open.integratedSurvivor.inverse()) ?? Matrix(rows: a.count, columns: a.count))
        let hFF = -((try? shut.integratedSurvivor.inverse()) ?? Matrix(rows: f.count, columns: f.count))
        for (x, i) in a.enumerated() {
            for (y, j) in a.enumerated() { q[i, j] = hAA[x, y] }
            for (y, j) in f.enumerated() { q[i, j] = open.exitFactor[x, y] }
        }
        for (x, i) in f.enumerated() {
            for (y, j) in f.enumerated() { q[i, j] = hFF[x, y] }
            for (y, j) in a.enumerated() { q[i, j] = shut.exitFactor[x, y] }
        }
        return q
    }

    /// First-order apparent open-time pdf: φ_A e^{eQ_AA (t−τ)} eQ_AF u_F, kA exponentials from τ.
    public func firstOrderOpenTimePDF() throws -> ExponentialMixture {
        try firstOrder(phi: openingInitialVector, side: open)
    }

    /// First-order apparent shut-time pdf, kF exponentials from τ.
    public func firstOrderShutTimePDF() throws -> ExponentialMixture {
        try firstOrder(phi: shuttingInitialVector, side: shut)
    }

    private func firstOrder(phi: [Double], side: HJCSojourn) throws -> ExponentialMixture {
        let hNeg = try side.integratedSurvivor.inverse()      // −H(0) = −eQ_AA
        let spec = try hNeg.spectralDecomposition()
        let exit = side.exitFactor * [Double](repeating: 1, count: side.kF)
        var rates: [Double] = [], areas: [Double] = []
        for (i, lambda) in spec.eigenvalues.enumerated() {
            rates.append(lambda)
            areas.append(dot(phi * spec.spectralMatrices[i], exit) / lambda)
        }
        return ExponentialMixture(rates: rates, areas: areas, start: resolution)
    }
}
