import Foundation

/// H(s) of an apparent sojourn (W(s) = sI − H(s)): what the roots of det W are found from.
protocol ApparentGenerator {
    /// kA, the size of H.
    var size: Int { get }
    /// H(s); not finite where its transform does not converge (far below the slowest rates).
    func h(_ s: Double) -> Matrix
}

/// ∫₀^τ e^{xt} dt = (e^{xτ} − 1)/x and its derivative in x; series near x = 0.
func truncatedExponentialIntegral(_ x: Double, _ tau: Double) -> (value: Double, derivative: Double) {
    // value = (e^{xτ} − 1)/x, d/dx = (τ x e^{xτ} − e^{xτ} + 1)/x².
    let y = x * tau
    if abs(y) < 1e-5 {
        return (tau * (1 + y / 2 + y * y / 6), tau * tau * (0.5 + y / 3 + y * y / 8))
    }
    let e = exp(y)
    return ((e - 1) / x, (y * e - e + 1) / (x * x))
}

/// W(s) = sI − H(s) of HJC 1992 (eq. 2.?) written through the spectral expansion of Q_FF:
/// H(s) = Q_AA + Σ_k M_k g_k(s) with M_k = Q_AF B_k Q_FA and
/// g_k(s) = ∫₀^τ e^{(μ_k − s) t} dt = (e^{(μ_k − s)τ} − 1)/(μ_k − s).
struct WFunction: ApparentGenerator {
    let qAA: Matrix
    let mk: [Matrix]
    let mu: [Double]
    let tau: Double

    var size: Int { qAA.rows }

    private func g(_ x: Double) -> (value: Double, derivative: Double) { truncatedExponentialIntegral(x, tau) }

    /// H(s).
    func h(_ s: Double) -> Matrix {
        var m = qAA
        for k in mk.indices {
            let gk = g(mu[k] - s).value
            for e in m.elements.indices { m.elements[e] += gk * mk[k].elements[e] }
        }
        return m
    }

    /// W'(s) = I − dH/ds = I + Σ_k M_k dg_k/dx (x = μ_k − s, dx/ds = −1) (HJC 1992 eq. 2.16).
    func derivative(_ s: Double) -> Matrix {
        var m = Matrix.identity(qAA.rows)
        for k in mk.indices {
            let dg = g(mu[k] - s).derivative
            for e in m.elements.indices { m.elements[e] += dg * mk[k].elements[e] }
        }
        return m
    }
}

extension ApparentGenerator {
    /// det W(s).
    func determinant(_ s: Double) -> Double {
        var w = -h(s)
        for i in 0..<w.rows { w[i, i] += s }
        return w.determinant()
    }

    /// Number of eigenvalues of H(s) above s. Each eigenvalue branch h_j(s) − s decreases
    /// strictly in s, so this count drops by one at each root of det W (HJC 1992 §5).
    /// Far below the fastest shut-state rate, H(s) overflows; its eigenvalues then all lie
    /// far above s (the integral terms grow like e^{−sτ}), so the count is kA.
    private func countAbove(_ s: Double) throws -> Int {
        let m = h(s)
        guard m.isFinite else { return size }
        return try m.eigenvalues().filter { $0 > s }.count
    }

    /// The kA roots of det W(s) = 0, all negative: bracket by bisection on the eigenvalue
    /// count, then refine each by Brent's method on det W. With `lowerLimit` (where H(s) stops
    /// converging) only the roots above it, however many there are.
    func roots(above lowerLimit: Double? = nil) throws -> [Double] {
        let k = size
        // Upper bound: at s = 0, H(0) is a sub-generator, all its eigenvalues are < 0.
        var hi = 0.0
        var nHi = try countAbove(hi)
        var guardCount = 0
        while nHi > 0 {
            hi = hi == 0 ? 1 : hi * 2
            nHi = try countAbove(hi)
            guardCount += 1
            if guardCount > 60 { throw GatingModelsError.rootFindingFailed(context: "no upper bound") }
        }
        var lo = -1.0
        if let limit = lowerLimit { lo = limit } else { lo = min(try h(0).eigenvalues().first ?? -1, -1) }
        guardCount = 0
        while lowerLimit == nil, try countAbove(lo) < k {
            lo *= 2
            guardCount += 1
            if guardCount > 200 || !lo.isFinite { throw GatingModelsError.rootFindingFailed(context: "no lower bound") }
        }
        var brackets: [(Double, Double)] = []
        var stack: [(Double, Double, Int, Int)] = [(lo, hi, lowerLimit == nil ? k : try countAbove(lo), nHi)]
        var iterations = 0
        while let (a, b, na, nb) = stack.popLast() {
            iterations += 1
            if iterations > 10_000 { throw GatingModelsError.rootFindingFailed(context: "bisection did not separate the roots") }
            let inside = na - nb
            if inside <= 0 { continue }
            if inside == 1 { brackets.append((a, b)); continue }
            if b - a <= 1e-14 * max(abs(a), abs(b)) {
                // Coincident roots: report the point once per root.
                for _ in 0..<inside { brackets.append((a, b)) }
                continue
            }
            let mid = 0.5 * (a + b)
            let nm = try countAbove(mid)
            stack.append((a, mid, na, nm))
            stack.append((mid, b, nm, nb))
        }
        var out: [Double] = []
        for (a0, b0) in brackets {
            // Narrow each bracket by bisection on the count (robust where det W overflows),
            // then polish with Brent's method on det W.
            var a = a0, b = b0
            let na = try countAbove(a)
            while b - a > 1e-7 * max(abs(a), abs(b), 1e-300) {
                let mid = 0.5 * (a + b)
                if try countAbove(mid) == na { a = mid } else { b = mid }
            }
            out.append(brentRoot({ determinant($0) }, a, b) ?? 0.5 * (a + b))
        }
        guard out.count == k || lowerLimit != nil else { throw GatingModelsError.rootFindingFailed(context: "found \(out.count) of \(k) roots") }
        return out.sorted()
    }
}

/// Brent's method (Brent 1973, ch. 4) for a root of f in [a, b] with f(a)·f(b) ≤ 0.
func brentRoot(_ f: (Double) -> Double, _ a0: Double, _ b0: Double, tolerance: Double = 1e-15) -> Double? {
    var a = a0, b = b0, fa = f(a), fb = f(b)
    guard fa.isFinite, fb.isFinite else { return nil }
    if fa == 0 { return a }
    if fb == 0 { return b }
    guard (fa < 0) != (fb < 0) else { return nil }
    var c = a, fc = fa, d = b - a, e = d
    for _ in 0..<200 {
        if (fb > 0) == (fc > 0) { c = a; fc = fa; d = b - a; e = d }
        if abs(fc) < abs(fb) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa }
        let tol = 2 * Double.ulpOfOne * abs(b) + 0.5 * tolerance * abs(b)
        let m = 0.5 * (c - b)
        if abs(m) <= tol || fb == 0 { return b }
        if abs(e) >= tol && abs(fa) > abs(fb) {
            let s = fb / fa
            var p: Double, q: Double
            if a == c {
                p = 2 * m * s; q = 1 - s
            } else {
                let qq = fa / fc, r = fb / fc
                p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1))
                q = (qq - 1) * (r - 1) * (s - 1)
            }
            if p > 0 { q = -q } else { p = -p }
            if 2 * p < min(3 * m * q - abs(tol * q), abs(e * q)) { e = d; d = p / q } else { d = m; e = d }
        } else { d = m; e = d }
        a = b; fa = fb
        b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
        fb = f(b)
    }
    return b
}
