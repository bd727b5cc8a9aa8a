import Foundation

// Exact missed-event ("apparent") sojourn distributions of Hawkes, Jalali & Colquhoun:
//   HJC 1990, Phil Trans R Soc A 332:511 — the exact eR(u) as a finite sum for u < k τ;
//   HJC 1992, Phil Trans R Soc B 337:383 — the asymptotic form from the roots of det W(s).
// Notation: the sojourn is in the subset A (open, or shut when the roles are swapped), F is
// its complement, τ the resolution. An apparent sojourn of measured length t ≥ τ has
//   eG_AF(t) = eR_A(t − τ) Q_AF exp(Q_FF τ)                       (HJC 1990 eq. 2.?)
// where eR_A(u) is the probability of staying in apparent-A for u with no resolved
// F-sojourn, and its Laplace transform is W(s)⁻¹ with
//   W(s) = sI − H(s),  H(s) = Q_AA + Q_AF ∫₀^τ e^{−st} exp(Q_FF t) dt Q_FA   (HJC 1992 eq. 2.?)

/// The HJC machinery for sojourns in one subset of states (A) against the rest (F).
///
/// Exact for u = t − τ < 2τ (the recursive sum of HJC 1990 with m ≤ 1), asymptotic beyond
/// (HJC 1992: eR(u) ≈ Σ_i R_i exp(s_i u) over the kA roots s_i of det W(s) = 0).
struct HJCSojourn: ApparentDwellDensity {
    let tRes: Double
    let kA: Int
    let kF: Int
    var exitCount: Int { kF }
    /// Q_AF exp(Q_FF τ), the exit factor of eG_AF.
    let exitFactor: Matrix
    /// λ_i, eigenvalues of −Q (full Q).
    let lambdas: [Double]
    /// C_imr (kA × kA), indexed [i][m][r] (HJC 1990 eqs. 3.?–3.?): eR_A(u) for u < 2τ.
    let survivorTerms: [[[Matrix]]]
    /// Roots s_i of det W(s) = 0 (negative), ascending.
    let roots: [Double]
    /// R_i Q_AF exp(Q_FF τ): the asymptotic components of eG_AF.
    let asymptoticTerms: [Matrix]
    /// R_i alone (kA × kA): eR_A(u) for u ≥ 2τ.
    let survivorAsymptoticTerms: [Matrix]
    /// (−H(0))⁻¹ = eR*(0) = ∫₀^∞ eR(u) du.
    let integratedSurvivor: Matrix
    /// W'(0), for the mean apparent sojourn.
    let wPrime0: Matrix
    /// Largest m of the exact expansion used.
    static let exactOrder = 1

    init(q: QMatrix, within a: [Int], complement f: [Int], resolution tau: Double, asymptotic: Bool = true) throws {
        tRes = tau; kA = a.count; kF = f.count
        let qAA = q.block(a, a), qAF = q.block(a, f), qFA = q.block(f, a), qFF = q.block(f, f)
        let specFF = try qFF.spectralDecomposition()
        let expFF = specFF.exponential(tau)
        exitFactor = qAF * expFF

        // Exact part: spectral expansion of the full Q (eigenvalues −λ_i).
        let perm = a + f
        let qPerm = q.matrix.submatrix(rows: perm, columns: perm)
        let spec = Self.mergingEqualEigenvalues(try qPerm.spectralDecomposition())
        let aIdx = Array(0..<kA), fIdx = Array(kA..<(kA + kF))
        lambdas = spec.eigenvalues.map { -$0 }
        let n = lambdas.count
        let d = spec.spectralMatrices.map { $0.submatrix(rows: aIdx, columns: fIdx) * expFF * qFA }  // D_i
        var c = [[[Matrix]]](repeating: [], count: n)
        for i in 0..<n { c[i] = [[spec.spectralMatrices[i].submatrix(rows: aIdx, columns: aIdx)]] }
        if Self.exactOrder >= 1 {
            // Sums over j first, then one product each: Σ_j a_ij D_i C_j = D_i (Σ_j a_ij C_j) and
            // Σ_j b_ij D_j C_i = (Σ_j b_ij D_j) C_i — n products per term instead of n² (the
            // aggregate of N channels has n in the hundreds).
            for m in 1...Self.exactOrder {
                for i in 0..<n {
                    var row: [Matrix] = []
                    for nn in 0...m {
                        var cm = Matrix(rows: kA, columns: kA)
                        if nn >= 1 { cm = cm + (1 / Double(nn)) * (d[i] * c[i][m - 1][nn - 1]) }
                        if nn == 0 {
                            for r in 0..<m {
                                var weighted = Matrix(rows: kA, columns: kA)
                                for j in 0..<n where j != i {
                                    let dl = lambdas[i] - lambdas[j]
                                    weighted.addScaled(c[j][m - 1][r], factorial(r) / pow(-dl, Double(r + 1)))
                                }
                                cm = cm + d[i] * weighted
                            }
                        }
                        if nn <= m - 1 {
                            for r in nn..<m {
                                var weighted = Matrix(rows: kA, columns: kA)
                                for j in 0..<n where j != i {
                                    let dl = lambdas[i] - lambdas[j]
                                    weighted.addScaled(d[j], factorial(r) / (factorial(nn) * pow(dl, Double(r - nn + 1))))
                                }
                                cm = cm - weighted * c[i][m - 1][r]
                            }
                        }
                        row.append(cm)
                    }
                    c[i].append(row)
                }
            }
        }
        let ef = exitFactor
        survivorTerms = c

        // Asymptotic part: H(s) = Q_AA + Σ_k M_k g_k(s), M_k = Q_AF B_k Q_FA, with B_k the
        // spectral matrices of Q_FF (eigenvalues μ_k) and g_k(s) = ∫₀^τ e^{(μ_k − s)t} dt.
        let mk = specFF.spectralMatrices.map { qAF * $0 * qFA }
        let w = WFunction(qAA: qAA, mk: mk, mu: specFF.eigenvalues, tau: tau)
        roots = asymptotic ? try w.roots() : []
        var terms: [Matrix] = [], survivor: [Matrix] = []
        for s in roots {
            let h = w.h(s)
            let pair = try h.eigenpair(closestTo: s)
            let cvec = pair.right, rvec = pair.left
            let denom = dot(rvec * w.derivative(s), cvec)
            guard denom != 0, denom.isFinite else { throw GatingModelsError.rootFindingFailed(context: "r W'(s) c = \(denom) at s = \(s)") }
            var r = Matrix(rows: kA, columns: kA)
            for x in 0..<kA { for y in 0..<kA { r[x, y] = cvec[x] * rvec[y] / denom } }
            terms.append(r * ef)
            survivor.append(r)
        }
        asymptoticTerms = terms
        survivorAsymptoticTerms = survivor
        integratedSurvivor = try (-w.h(0)).inverse()
        wPrime0 = w.derivative(0)
    }

    /// The expansion below divides by λ_i − λ_j, so it needs distinct eigenvalues. A Q-matrix
    /// that obeys microscopic reversibility is diagonalisable, so the spectral matrices of an
    /// eigenvalue that occurs several times (common for the aggregate of N identical channels,
    /// whose eigenvalues are sums of one channel's) add up to that eigenvalue's projector:
    /// merge eigenvalues that agree to 1e-9 of the spectral radius.
    static func mergingEqualEigenvalues(_ spec: SpectralDecomposition) -> SpectralDecomposition {
        let scale = max(spec.eigenvalues.map(abs).max() ?? 0, 1e-300)
        var values: [Double] = [], matrices: [Matrix] = []
        for (i, lambda) in spec.eigenvalues.enumerated() {     // ascending
            if let last = values.last, abs(lambda - last) <= 1e-9 * scale {
                matrices[matrices.count - 1] = matrices[matrices.count - 1] + spec.spectralMatrices[i]
            } else {
                values.append(lambda)
                matrices.append(spec.spectralMatrices[i])
            }
        }
        return SpectralDecomposition(eigenvalues: values, spectralMatrices: matrices)
    }

    // MARK: - eG_AF(t)

    /// Row vector × eG_AF(t): the likelihood step for an apparent sojourn of length t.
    /// Exact for t < 3τ, asymptotic beyond; t < τ gives zeros (such a sojourn cannot be seen).
    /// v · eR_A(u) first (n terms of kA × kA), then one product with the exit factor: for an
    /// aggregate of N channels kF is several times kA, and n is in the hundreds.
    func propagate(_ v: [Double], duration t: Double) -> [Double] {
        let u = t - tRes
        guard u >= 0 else { return [Double](repeating: 0, count: kF) }
        var out = [Double](repeating: 0, count: kA)
        if u < 2 * tRes {
            for i in survivorTerms.indices {
                for m in 0...Self.exactOrder {
                    let x = u - Double(m) * tRes
                    if x < 0 { continue }
                    let e = exp(-lambdas[i] * x) * (m % 2 == 0 ? 1 : -1)
                    var xr = 1.0
                    for r in 0...m {
                        accumulate(&out, v, survivorTerms[i][m][r], e * xr)
                        xr *= x
                    }
                }
            }
        } else {
            for (i, s) in roots.enumerated() { accumulate(&out, v, survivorAsymptoticTerms[i], exp(s * u)) }
        }
        return out * exitFactor
    }

    /// ∫_{t0}^∞ eG_AF(t) dt for t0 ≥ τ (exact part by 24-point Gauss–Legendre per τ-interval).
    func integral(from t0: Double) -> Matrix {
        var total = Matrix(rows: kA, columns: kF)
        let u0 = max(t0 - tRes, 0)
        let uSwitch = 2 * tRes
        if u0 < uSwitch {
            total = total + gaussLegendre(from: u0 + tRes, to: uSwitch + tRes) { matrix(duration: $0) }
        }
        let start = max(u0, uSwitch)
        for (i, s) in roots.enumerated() { total = total + (exp(s * start) / -s) * asymptoticTerms[i] }
        return total
    }

    /// out += scale · v · m for a kA × kA matrix m.
    private func accumulate(_ out: inout [Double], _ v: [Double], _ m: Matrix, _ scale: Double) {
        for a in 0..<kA where v[a] != 0 {
            let va = v[a] * scale
            for b in 0..<kA { out[b] += va * m[a, b] }
        }
    }
}

func factorial(_ n: Int) -> Double { n <= 1 ? 1 : (2...n).reduce(1.0) { $0 * Double($1) } }

/// ∫_a^b f by composite 24-point Gauss–Legendre on 8 panels (matrix-valued integrand).
func gaussLegendre(from a: Double, to b: Double, _ f: (Double) -> Matrix) -> Matrix {
    let (nodes, weights) = legendreNodes
    let panels = 8
    let h = (b - a) / Double(panels)
    var total: Matrix? = nil
    for p in 0..<panels {
        let lo = a + Double(p) * h
        for k in nodes.indices {
            let t = lo + 0.5 * h * (nodes[k] + 1)
            let term = (0.5 * h * weights[k]) * f(t)
            total = total.map { $0 + term } ?? term
        }
    }
    return total ?? Matrix(rows: 0, columns: 0)
}

/// Three-point Gauss–Legendre on [lo, hi] (exact for polynomials up to degree 5): the points
/// and their weights, which sum to hi − lo.
func gaussLegendre3(from lo: Double, to hi: Double) -> [(point: Double, weight: Double)] {
    let mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo), offset = (3.0 / 5.0).squareRoot() * half
    return [(mid - offset, 5.0 / 9 * half), (mid, 8.0 / 9 * half), (mid + offset, 5.0 / 9 * half)]
}

/// Gauss–Legendre nodes and weights on [−1, 1] (n = 24), by Newton iteration on P_n.
let legendreNodes: ([Double], [Double]) = {
    let n = 24
    var x = [Double](repeating: 0, count: n), w = [Double](repeating: 0, count: n)
    for i in 0..<n {
        var z = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
        var dp = 0.0
        for _ in 0..<100 {
            var p0 = 1.0, p1 = 0.0
            for j in 1...n { let p2 = p1; p1 = p0; p0 = ((2 * Double(j) - 1) * z * p1 - (Double(j) - 1) * p2) / Double(j) }
            dp = Double(n) * (z * p0 - p1) / (z * z - 1)
            let dz = p0 / dp
            z -= dz
            if abs(dz) < 1e-15 { break }
        }
        x[i] = z; w[i] = 2 / ((1 - z * z) * dp * dp)
    }
    return (x, w)
}()

/// An apparent dwell's density matrix eG(t) (rows: the state the dwell starts in; columns: the
/// state it hands over to), given as row vector × eG(t).
protocol ApparentDwellDensity: Sendable {
    var kA: Int { get }
    /// Columns of eG.
    var exitCount: Int { get }
    func propagate(_ v: [Double], duration t: Double) -> [Double]
}

extension ApparentDwellDensity {
    /// The matrix eG(t), a row per starting state.
    func matrix(duration t: Double) -> Matrix {
        var m = Matrix(rows: kA, columns: exitCount)
        for i in 0..<kA {
            var e = [Double](repeating: 0, count: kA); e[i] = 1
            let r = propagate(e, duration: t)
            for j in 0..<exitCount { m[i, j] = r[j] }
        }
        return m
    }
}
