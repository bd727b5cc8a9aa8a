// Products, solves, inverses, eigen-decompositions and matrix functions through
// BLAS (cblas_dgemm) and LAPACKE (dgesv, dgeev). Nothing here is a hand-written solver.
import CLAPACK
import Foundation

// MARK: - Threading

/// Q-matrices are tiny: OpenBLAS's own threads only add contention (measured: the CH82 fit
/// took 5.8 s wall with 4.4 s system time, 2.2 s single-threaded). PatchFit parallelises
/// over likelihood evaluations instead, so BLAS runs single-threaded, set once per process.
/// The pool OpenBLAS started at load time is shut down too (its idle workers spin in
/// sched_yield otherwise; see CLAPACK/shim.h) — once, as a later `openblas_set_num_threads`
/// would start it again.
let blasSingleThreaded: Void = { pf_single_threaded_blas() }()

/// Makes BLAS single-threaded now rather than at the first matrix operation (the CLI calls it at
/// start-up, which also ends the worker threads' start-up spinning). Idempotent.
public func useSingleThreadedBLAS() { _ = blasSingleThreaded }

// MARK: - Products

extension Matrix {
    /// Matrix product through `cblas_dgemm`.
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.columns == b.rows, "inner dimensions differ")
        _ = blasSingleThreaded
        var c = Matrix(rows: a.rows, columns: b.columns)
        if a.rows == 0 || b.columns == 0 || a.columns == 0 { return c }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                Int32(a.rows), Int32(b.columns), Int32(a.columns),
                                1.0, pa.baseAddress, Int32(a.columns),
                                pb.baseAddress, Int32(b.columns),
                                0.0, pc.baseAddress, Int32(b.columns))
                }
            }
        }
        return c
    }
}

// MARK: - Solves and inverses

extension Matrix {
    /// Solves `self · X = B` by LU with partial pivoting (LAPACKE_dgesv).
    /// - Throws: `GatingModelsError.singularMatrix` if the matrix is singular or the
    ///   result is not finite.
    public func solve(_ b: Matrix) throws -> Matrix {
        precondition(rows == columns && b.rows == rows)
        guard isFinite, b.isFinite else { throw GatingModelsError.nonFiniteMatrix(context: "solve") }
        var a = elements
        var x = b.elements
        var ipiv = [Int32](repeating: 0, count: rows)
        let info = LAPACKE_dgesv(pf_LAPACK_ROW_MAJOR(), Int32(rows), Int32(b.columns),
                                 &a, Int32(rows), &ipiv, &x, Int32(b.columns))
        guard info == 0 else { throw GatingModelsError.singularMatrix(context: "dgesv info \(info)") }
        let out = Matrix(rows: b.rows, columns: b.columns, elements: x)
        guard out.isFinite else { throw GatingModelsError.singularMatrix(context: "solve gave non-finite values") }
        return out
    }

    /// The inverse (LAPACKE_dgesv against the identity).
    /// - Throws: `GatingModelsError.singularMatrix` if singular.
    public func inverse() throws -> Matrix { try solve(.identity(rows)) }

    /// Internal initialiser from storage.
    init(rows: Int, columns: Int, elements: [Double]) {
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }
}

// MARK: - Eigen-decomposition

/// The spectral decomposition M = Σ_i λ_i A_i of a diagonalisable matrix with real
/// eigenvalues, where A_i = x_i y_i (right eigenvector × row of X⁻¹) are the spectral
/// matrices (CH82 eq. 3.?; Colquhoun & Hawkes 1995 "A Q-matrix cookbook").
public struct SpectralDecomposition: Sendable {
    /// Eigenvalues, ascending.
    public let eigenvalues: [Double]
    /// Spectral matrices A_i, one per eigenvalue (Σ A_i = I, A_i A_j = δ_ij A_i).
    public let spectralMatrices: [Matrix]

    /// exp(M t) = Σ A_i exp(λ_i t).
    public func exponential(_ t: Double) -> Matrix {
        let n = spectralMatrices.first?.rows ?? 0
        var m = Matrix(rows: n, columns: n)
        for (i, a) in spectralMatrices.enumerated() {
            let e = Foundation.exp(eigenvalues[i] * t)
            for k in m.elements.indices { m.elements[k] += e * a.elements[k] }
        }
        return m
    }
}

extension Matrix {
    /// Eigenvalues and spectral matrices by LAPACKE_dgeev (general real matrix).
    ///
    /// Q-matrices that obey microscopic reversibility are similar to symmetric matrices, so
    /// their eigenvalues are real. An eigenvalue with an imaginary part larger than
    /// 1e-8 × the spectral radius throws `complexEigenvalues`; a defective (non-invertible)
    /// eigenvector matrix throws `singularMatrix`.
    public func spectralDecomposition() throws -> SpectralDecomposition {
        precondition(rows == columns)
        let n = rows
        guard isFinite else { throw GatingModelsError.nonFiniteMatrix(context: "eigen-decomposition") }
        if n == 0 { return SpectralDecomposition(eigenvalues: [], spectralMatrices: []) }
        var a = elements
        var wr = [Double](repeating: 0, count: n)
        var wi = [Double](repeating: 0, count: n)
        var vl = [Double](repeating: 0, count: 1)
        var vr = [Double](repeating: 0, count: n * n)
        let info = LAPACKE_dgeev(pf_LAPACK_ROW_MAJOR(), Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "V")),
                                 Int32(n), &a, Int32(n), &wr, &wi, &vl, 1, &vr, Int32(n))
        guard info == 0 else { throw GatingModelsError.eigenFailure(context: "dgeev info \(info)") }
        let scale = max(wr.map(abs).max() ?? 0, 1e-300)
        if let w = wi.map(abs).max(), w > 1e-8 * scale {
            throw GatingModelsError.complexEigenvalues(largestImaginaryPart: w)
        }
        let order = (0..<n).sorted { wr[$0] < wr[$1] }
        let x = Matrix(rows: n, columns: n, elements: vr)
        let y = try x.inverse()
        var mats: [Matrix] = []
        mats.reserveCapacity(n)
        for i in order {
            var ai = Matrix(rows: n, columns: n)
            for r in 0..<n {
                let xr = x[r, i]
                for c in 0..<n { ai[r, c] = xr * y[i, c] }
            }
            mats.append(ai)
        }
        return SpectralDecomposition(eigenvalues: order.map { wr[$0] }, spectralMatrices: mats)
    }

    /// exp(M t) by spectral decomposition.
    public func exponential(_ t: Double = 1) throws -> Matrix {
        try spectralDecomposition().exponential(t)
    }

    /// Determinant by LU factorisation (LAPACKE_dgetrf).
    public func determinant() -> Double {
        precondition(rows == columns)
        let n = rows
        if n == 0 { return 1 }
        var a = elements
        var ipiv = [Int32](repeating: 0, count: n)
        let info = LAPACKE_dgetrf(pf_LAPACK_ROW_MAJOR(), Int32(n), Int32(n), &a, Int32(n), &ipiv)
        if info > 0 { return 0 }
        var det = 1.0
        for i in 0..<n {
            det *= a[i * n + i]
            if ipiv[i] != Int32(i + 1) { det = -det }
        }
        return det
    }

    /// Real eigenvalues (ascending) of a general matrix; complex parts are dropped after
    /// checking they are negligible (throws `complexEigenvalues` otherwise).
    public func eigenvalues() throws -> [Double] {
        precondition(rows == columns)
        let n = rows
        guard isFinite else { throw GatingModelsError.nonFiniteMatrix(context: "eigenvalues") }
        if n == 0 { return [] }
        var a = elements
        var wr = [Double](repeating: 0, count: n)
        var wi = [Double](repeating: 0, count: n)
        var vl = [Double](repeating: 0, count: 1)
        var vr = [Double](repeating: 0, count: 1)
        let info = LAPACKE_dgeev(pf_LAPACK_ROW_MAJOR(), Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "N")),
                                 Int32(n), &a, Int32(n), &wr, &wi, &vl, 1, &vr, 1)
        guard info == 0 else { throw GatingModelsError.eigenFailure(context: "dgeev info \(info)") }
        let scale = max(wr.map(abs).max() ?? 0, 1e-300)
        if let w = wi.map(abs).max(), w > 1e-6 * scale {
            throw GatingModelsError.complexEigenvalues(largestImaginaryPart: w)
        }
        return wr.sorted()
    }
}


// MARK: - Eigenvectors

extension Matrix {
    /// The real eigenvalue closest to `target` with its right eigenvector (column) and left
    /// eigenvector (row), by LAPACKE_dgeev with both vector sets.
    public func eigenpair(closestTo target: Double) throws -> (value: Double, right: [Double], left: [Double]) {
        precondition(rows == columns && rows > 0)
        let n = rows
        guard isFinite else { throw GatingModelsError.nonFiniteMatrix(context: "eigenvectors") }
        var a = elements
        var wr = [Double](repeating: 0, count: n)
        var wi = [Double](repeating: 0, count: n)
        var vl = [Double](repeating: 0, count: n * n)
        var vr = [Double](repeating: 0, count: n * n)
        let info = LAPACKE_dgeev(pf_LAPACK_ROW_MAJOR(), Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "V")),
                                 Int32(n), &a, Int32(n), &wr, &wi, &vl, Int32(n), &vr, Int32(n))
        guard info == 0 else { throw GatingModelsError.eigenFailure(context: "dgeev info \(info)") }
        var best = 0
        for i in 1..<n where abs(wr[i] - target) < abs(wr[best] - target) { best = i }
        guard abs(wi[best]) <= 1e-6 * max(abs(wr[best]), 1e-300) else {
            throw GatingModelsError.complexEigenvalues(largestImaginaryPart: abs(wi[best]))
        }
        let right = (0..<n).map { vr[$0 * n + best] }
        let left = (0..<n).map { vl[$0 * n + best] }
        return (wr[best], right, left)
    }
}
