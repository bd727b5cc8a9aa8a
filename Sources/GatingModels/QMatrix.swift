import Foundation

/// The conditions of one record: agonist concentration (M) and membrane potential (V).
public struct RecordConditions: Sendable, Equatable, Codable {
    /// Agonist concentration in mol/L (0 when the scheme has no agonist-dependent rate).
    public var concentration: Double
    /// Membrane potential in volts.
    public var voltage: Double

    public init(concentration: Double = 0, voltage: Double = 0) {
        self.concentration = concentration
        self.voltage = voltage
    }
}

/// The Q-matrix of a scheme at given conditions, partitioned into open states A, shut states
/// F, and (for bursts) within-burst shut states B and long-lived shut states C.
///
/// Rows sum to zero; off-diagonal q_ij ≥ 0 is the rate of i → j. Every derived quantity
/// (occupancies, pdfs, HJC) is computed from this value type.
public struct QMatrix: Sendable {
    /// The generator, states in scheme order.
    public let matrix: Matrix
    /// Indices of the open states (A), in scheme order.
    public let openStates: [Int]
    /// Indices of the shut states (F), in scheme order.
    public let shutStates: [Int]
    /// Indices of the long-lived shut states (C) that end bursts.
    public let longLivedStates: [Int]
    /// Conductance class of each state.
    public let conductanceClasses: [Int]

    /// A Q-matrix from a full generator; the diagonal is recomputed from the off-diagonals.
    /// - Throws: `nonFiniteMatrix` if an entry is not finite, `invalidArgument` for negative
    ///   off-diagonal rates or a class list of the wrong length.
    public init(_ q: Matrix, conductanceClasses: [Int], longLivedStates: [Int] = []) throws {
        guard q.rows == q.columns, conductanceClasses.count == q.rows else {
            throw GatingModelsError.invalidArgument(name: "Q", reason: "must be square with one class per state")
        }
        var m = q
        for i in 0..<m.rows {
            var s = 0.0
            for j in 0..<m.columns where j != i {
                guard m[i, j] >= 0 else { throw GatingModelsError.invalidArgument(name: "Q", reason: "negative rate q[\(i),\(j)]") }
                s += m[i, j]
            }
            m[i, i] = -s
        }
        guard m.isFinite else { throw GatingModelsError.nonFiniteMatrix(context: "Q-matrix") }
        matrix = m
        self.conductanceClasses = conductanceClasses
        openStates = conductanceClasses.indices.filter { conductanceClasses[$0] > 0 }
        shutStates = conductanceClasses.indices.filter { conductanceClasses[$0] == 0 }
        self.longLivedStates = longLivedStates
        guard !openStates.isEmpty, !shutStates.isEmpty else {
            throw GatingModelsError.missingConductanceClass(openStates.isEmpty ? "no open state" : "no shut state")
        }
    }

    /// Number of states.
    public var stateCount: Int { matrix.rows }
    /// kA, the number of open states.
    public var kA: Int { openStates.count }
    /// kF, the number of shut states.
    public var kF: Int { shutStates.count }
    /// Within-burst shut states B = F \ C.
    public var burstShutStates: [Int] { shutStates.filter { !longLivedStates.contains($0) } }

    /// A block of Q by index lists (e.g. `block(openStates, shutStates)` = Q_AF).
    public func block(_ rows: [Int], _ columns: [Int]) -> Matrix { matrix.submatrix(rows: rows, columns: columns) }

    /// Q_AA, Q_AF, Q_FA, Q_FF.
    public var qAA: Matrix { block(openStates, openStates) }
    public var qAF: Matrix { block(openStates, shutStates) }
    public var qFA: Matrix { block(shutStates, openStates) }
    public var qFF: Matrix { block(shutStates, shutStates) }
}

extension GatingScheme {
    /// The Q-matrix at the given conditions with the scheme's current rates.
    /// - Throws: `nonFiniteMatrix` if a rate overflows at these conditions,
    ///   `invalidArgument` for a negative or non-finite concentration or voltage.
    public func qMatrix(_ conditions: RecordConditions) throws -> QMatrix {
        try qMatrix(rateConstants: rateConstants, conditions)
    }

    /// The Q-matrix at the given conditions for explicit rate constants (transition order).
    public func qMatrix(rateConstants k: [Double], _ conditions: RecordConditions) throws -> QMatrix {
        guard conditions.concentration.isFinite, conditions.concentration >= 0 else {
            throw GatingModelsError.invalidArgument(name: "concentration", reason: "\(conditions.concentration) M is not finite and ≥ 0")
        }
        guard conditions.voltage.isFinite else {
            throw GatingModelsError.invalidArgument(name: "voltage", reason: "\(conditions.voltage) V is not finite")
        }
        precondition(k.count == transitions.count)
        var q = Matrix(rows: states.count, columns: states.count)
        for (i, t) in transitions.enumerated() {
            let v = k[i] * t.law.factor(concentration: conditions.concentration, voltage: conditions.voltage)
            guard v.isFinite else { throw GatingModelsError.nonFiniteMatrix(context: "rate '\(t.name)' = \(v) at c = \(conditions.concentration) M") }
            q[t.from, t.to] = v
        }
        return try QMatrix(q, conductanceClasses: states.map(\.conductanceClass), longLivedStates: longLivedStates)
    }
}
