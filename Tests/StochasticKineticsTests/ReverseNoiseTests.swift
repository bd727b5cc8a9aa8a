import StochasticKinetics
import XCTest

/// The conditional noise the reverse pass regenerates (`perturbedLogits`) has the law of
/// Gumbel-max sampling: E₀, E_j recovered from the logits are iid Exp(1).
final class ReverseNoiseTests: XCTestCase {
    /// Recovers (E₀, E_1, …) from the logits: E₀ = a0·e^{−z_r}, E_j = a_j·(e^{−z_j} − E₀/a0).
    private func draws(_ a: [Double], chosen: Int, key: UInt64, event: Int) -> [Double] {
        let z = StraightThroughGradient.perturbedLogits(propensities: a, chosen: chosen, noiseKey: key, event: event)
        let a0 = a.reduce(0, +), e0 = a0 * exp(-z[chosen])
        return [e0] + a.indices.filter { $0 != chosen }.map { a[$0] * (exp(-z[$0]) - e0 / a0) }
    }

    /// Two competitors (one hashed word per event) and three (a draw per reaction): each E is
    /// Exp(1) by KS (α = 0.001), E₀ and E_1 are uncorrelated (|r| < 5/√n), and the two-competitor
    /// share E_1/(E₀ + E_1) is Uniform(0, 1) and never exactly 0 or 1.
    func testRegeneratedNoiseIsIIDExponential() {
        let n = 100_000
        for a in [[0.3, 1.7], [1.0, 0.5, 2.0]] {
            let sample = (1...n).map { draws(a, chosen: 1, key: 0x5EED, event: $0) }
            for i in 0..<a.count {
                let column = sample.map { $0[i] }
                XCTAssert(column.allSatisfy { $0 > 0 && $0.isFinite })
                XCTAssertLessThan(ksDistance(column) { 1 - exp(-$0) }, ksCritical001(n), "a = \(a), draw \(i)")
            }
            let x = sample.map { $0[0] - 1 }, y = sample.map { $0[1] - 1 }
            var sxy = 0.0, sxx = 0.0, syy = 0.0
            for i in 0..<n { sxy += x[i] * y[i]; sxx += x[i] * x[i]; syy += y[i] * y[i] }
            let r = sxy / (sxx * syy).squareRoot()
            XCTAssertLessThan(abs(r), 5 / Double(n).squareRoot(), "a = \(a)")
            if a.count == 2 {
                let share = sample.map { $0[1] / ($0[0] + $0[1]) }
                XCTAssertLessThan(ksDistance(share) { $0 }, ksCritical001(n))
            }
        }
        // Reproducible: a pure function of (key, event).
        XCTAssertEqual(draws([0.3, 1.7], chosen: 0, key: 9, event: 4), draws([0.3, 1.7], chosen: 0, key: 9, event: 4))
    }
}
