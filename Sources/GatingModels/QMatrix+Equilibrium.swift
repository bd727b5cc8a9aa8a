import Foundation

// Equilibrium occupancies and open probability (Colquhoun & Hawkes 1995, "A Q-matrix
// cookbook", eq. 16: p∞ = u (S Sᵀ)⁻¹ with S = [Q | u]).

extension QMatrix {
    /// Equilibrium occupancy of each state (sums to 1).
    /// - Throws: `singularMatrix` when the equilibrium is not unique (the scheme falls apart
    ///   into separate classes at these conditions).
    public func equilibriumOccupancies() throws -> [Double] {
        let n = stateCount
        var s = Matrix(rows: n, columns: n + 1)
        for i in 0..<n {
            for j in 0..<n { s[i, j] = matrix[i, j] }
            s[i, n] = 1
        }
        let sst = s * s.transposed
        let inv = try sst.inverse()
        let p = [Double](repeating: 1, count: n) * inv
        guard p.allSatisfy({ $0.isFinite }) else { throw GatingModelsError.singularMatrix(context: "equilibrium occupancies") }
        return p.map { max($0, 0) }
    }

    /// Equilibrium probability of being in any open state.
    public func popen() throws -> Double {
        let p = try equilibriumOccupancies()
        return openStates.reduce(0) { $0 + p[$1] }
    }

    /// Equilibrium initial vector of openings, φ_A = p_F Q_FA / (p_F Q_FA u_A) (CH82 eq. 3.?).
    public func openingInitialVector() throws -> [Double] {
        let p = try equilibriumOccupancies()
        return normalised(shutStates.map { p[$0] } * qFA, context: "φA: no transitions from shut to open states")
    }

    /// Equilibrium initial vector of shuttings, φ_F = p_A Q_AF / (p_A Q_AF u_F).
    public func shuttingInitialVector() throws -> [Double] {
        let p = try equilibriumOccupancies()
        return normalised(openStates.map { p[$0] } * qAF, context: "φF")
    }
}

func normalised(_ v: [Double], context: String) -> [Double] {
    let s = v.reduce(0, +)
    guard s > 0, s.isFinite else { return v.map { _ in Double.nan } }
    return v.map { $0 / s }
}
