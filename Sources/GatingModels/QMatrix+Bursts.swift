import Foundation

/// Burst statistics of a scheme (Colquhoun & Hawkes 1982, section 3): a burst is a run of
/// openings separated by sojourns in the short-lived shut states B, ended by entry into the
/// long-lived shut states C.
public struct BurstStatistics: Sendable, Equatable, Codable {
    /// Initial vector of a burst over the open states, φ_b = p_C(Q_CB G_BA + Q_CA), normalised.
    public var initialVector: [Double]
    /// Mean number of openings per burst, μ = φ_b (I − G_AB G_BA)⁻¹ u_A.
    public var meanOpeningsPerBurst: Double
    /// Mean burst length in s (first opening start to last opening end).
    public var meanBurstLength: Double
    /// Mean total open time per burst in s.
    public var meanOpenTimePerBurst: Double
    /// Open probability within bursts (open time / burst length).
    public var popenWithinBursts: Double
    /// Mean shut time between bursts in s (shut periods that visit C).
    public var meanGapBetweenBursts: Double
    /// Mean shut time within bursts in s (sojourns in B that return to A).
    public var meanGapWithinBursts: Double
}

extension QMatrix {
    /// Burst statistics for the partition A (open), B (short shut), C (`longLivedStates`).
    /// - Throws: `invalidArgument` when the scheme has no long-lived shut state (no bursts),
    ///   `singularMatrix` for degenerate blocks.
    public func burstStatistics() throws -> BurstStatistics {
        let a = openStates, b = burstShutStates, c = longLivedStates
        guard !c.isEmpty else {
            throw GatingModelsError.invalidArgument(name: "long_lived", reason: "bursts need at least one long-lived shut state (C)")
        }
        let kA = a.count
        let uA = [Double](repeating: 1, count: kA)
        let p = try equilibriumOccupancies()
        let invAA = try (-block(a, a)).inverse()
        // G_AB = (−Q_AA)⁻¹ Q_AB, G_BA = (−Q_BB)⁻¹ Q_BA (CH82 eq. 2.?); empty B gives no returns.
        var gABgBA = Matrix(rows: kA, columns: kA)
        var withinGapTime = [Double](repeating: 0, count: kA)   // G_AB Q_BB⁻² Q_BA u_A
        var gBA = Matrix(rows: 0, columns: kA)
        if !b.isEmpty {
            let qBB = block(b, b)
            let invBB = try (-qBB).inverse()
            let gAB = invAA * block(a, b)
            gBA = invBB * block(b, a)
            gABgBA = gAB * gBA
            // ∫ t exp(Q_BB t) Q_BA dt u_A = Q_BB⁻² Q_BA u_A (time in B on gaps that return to A).
            withinGapTime = gAB * (invBB * (gBA * uA))
        }
        let r = try (Matrix.identity(kA) - gABgBA).inverse()
        let pC = c.map { p[$0] }
        var start = pC * block(c, a)
        if !b.isEmpty { start = zip(start, (pC * block(c, b)) * gBA).map { $0 + $1 } }
        let phiB = normalised(start, context: "φb")
        let phiR = phiB * r
        let mu = dot(phiR, uA)
        let openTime = dot(phiR, invAA * uA)
        let gapTime = dot(phiR, withinGapTime)
        let length = openTime + gapTime
        // Every opening is followed by one shut time: per burst μ shut times, μ − 1 within.
        let shut = try idealShutTimePDF()
        let between = mu * shut.mean - gapTime
        return BurstStatistics(initialVector: phiB, meanOpeningsPerBurst: mu, meanBurstLength: length,
                               meanOpenTimePerBurst: openTime, popenWithinBursts: openTime / length,
                               meanGapBetweenBursts: between,
                               meanGapWithinBursts: mu > 1 ? gapTime / (mu - 1) : 0)
    }
}
