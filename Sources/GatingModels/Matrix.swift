// A small dense real matrix for Q-matrix theory. Row-major storage; the heavy lifting
// (products, solves, eigen-decompositions) goes through BLAS/LAPACKE in Matrix+LAPACK.swift.

/// A dense real matrix stored row-major.
///
/// Gating schemes have a handful of states, so these matrices are tiny (rarely above 20×20);
/// the type favours clarity over blocking tricks. Indexing out of range traps (a programming
/// error, never a consequence of user input: all user-facing paths validate sizes first).
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The entries, row after row (`rows * columns` values).
    public var elements: [Double]

    // MARK: - Construction

    /// A `rows × columns` matrix filled with `value` (zero by default).
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.rows = rows
        self.columns = columns
        self.elements = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix from row arrays; all rows must have the same length.
    public init(_ rowArrays: [[Double]]) {
        self.rows = rowArrays.count
        self.columns = rowArrays.first?.count ?? 0
        self.elements = rowArrays.flatMap { $0 }
        precondition(elements.count == rows * columns, "ragged rows")
    }

    /// The n × n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// A square diagonal matrix.
    public static func diagonal(_ d: [Double]) -> Matrix {
        var m = Matrix(rows: d.count, columns: d.count)
        for i in d.indices { m[i, i] = d[i] }
        return m
    }

    // MARK: - Access

    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { elements[i * columns + j] }
        set { elements[i * columns + j] = newValue }
    }

    /// The sub-matrix with the given rows and columns (in the given order).
    public func submatrix(rows r: [Int], columns c: [Int]) -> Matrix {
        var m = Matrix(rows: r.count, columns: c.count)
        for (a, i) in r.enumerated() {
            for (b, j) in c.enumerated() { m[a, b] = self[i, j] }
        }
        return m
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] { Array(elements[i * columns ..< (i + 1) * columns]) }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] { (0..<rows).map { self[$0, j] } }

    /// The transpose.
    public var transposed: Matrix {
        var m = Matrix(rows: columns, columns: rows)
        for i in 0..<rows { for j in 0..<columns { m[j, i] = self[i, j] } }
        return m
    }

    /// Whether every entry is finite.
    public var isFinite: Bool { elements.allSatisfy { $0.isFinite } }

    /// Row sums (Q u for a Q-matrix).
    public var rowSums: [Double] { (0..<rows).map { i in row(i).reduce(0, +) } }

    public var description: String {
        (0..<rows).map { i in row(i).map { String($0) }.joined(separator: "\t") }.joined(separator: "\n")
    }

    // MARK: - Arithmetic

    /// self += s · b, in place (sums of many scaled matrices without a copy each).
    public mutating func addScaled(_ b: Matrix, _ s: Double) {
        precondition(rows == b.rows && columns == b.columns)
        elements.withUnsafeMutableBufferPointer { x in
            b.elements.withUnsafeBufferPointer { y in
                for k in x.indices { x[k] += s * y[k] }
            }
        }
    }

    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns)
        var m = a
        for k in m.elements.indices { m.elements[k] += b.elements[k] }
        return m
    }

    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns)
        var m = a
        for k in m.elements.indices { m.elements[k] -= b.elements[k] }
        return m
    }

    public static func * (s: Double, a: Matrix) -> Matrix {
        var m = a
        for k in m.elements.indices { m.elements[k] *= s }
        return m
    }

    public static prefix func - (a: Matrix) -> Matrix { -1 * a }
}

// MARK: - Row vectors

/// Row vector × matrix: `v M` (length `M.columns`).
public func * (v: [Double], m: Matrix) -> [Double] {
    precondition(v.count == m.rows)
    var out = [Double](repeating: 0, count: m.columns)
    for i in 0..<m.rows where v[i] != 0 {
        let vi = v[i]
        for j in 0..<m.columns { out[j] += vi * m[i, j] }
    }
    return out
}

/// Matrix × column vector: `M v` (length `M.rows`).
public func * (m: Matrix, v: [Double]) -> [Double] {
    precondition(v.count == m.columns)
    return (0..<m.rows).map { i in
        var s = 0.0
        for j in 0..<m.columns { s += m[i, j] * v[j] }
        return s
    }
}

/// Dot product.
@inlinable
public func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}
