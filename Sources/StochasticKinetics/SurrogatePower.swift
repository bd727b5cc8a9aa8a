// A loser's weight in the surrogate softmax, with integer powers for τ = 1/n.

/// y = (1 + ρ)^(−1/τ): the softmax weight, relative to the winner's, of a loser whose perturbed
/// logit lies log(1 + ρ) below the winner's (ρ = E_j·a0/(a_j·E₀)). When 1/τ is a small integer
/// n (τ = 1, 0.5, 0.25, 0.2, …) y = wⁿ with w = 1/(1 + ρ): one division and a few multiplies in
/// place of log1p and exp — the same value to rounding, so every loop and oracle agree.
struct SurrogatePower {
    let inverseTemperature: Double
    /// n when 1/τ is an integer in 1…16 (to 1e-12 relative), else 0.
    let integerExponent: Int

    init(temperature: Double) {
        inverseTemperature = 1 / temperature
        let n = inverseTemperature.rounded()
        integerExponent = n >= 1 && n <= 16 && abs(inverseTemperature - n) <= 1e-12 * n ? Int(n) : 0
    }

    /// (1 + ρ)^(−1/τ) for ρ ≥ 0.
    @inline(__always)
    func weight(ratio rho: Double) -> Double {
        if integerExponent == 0 { return libmExp(-inverseTemperature * log1p(rho)) }
        let w = 1 / (1 + rho)
        var y = w
        for _ in 1..<integerExponent { y *= w }
        return y
    }
}
