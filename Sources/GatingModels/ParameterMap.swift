import Foundation

/// The affine map, in log space, from a fit's free parameters θ (log rate constants of the
/// free rates) to every rate of a scheme: `log k_r = offset_r + Σ_j coefficient_rj θ_j`.
///
/// Fixed rates have no coefficients; `rate = factor × other` adds `log factor` to the other
/// rate's row; a microscopic-reversibility rate is a signed sum of the log rates around its
/// cycle. Because the map is affine, the covariance of θ carries over to every log rate
/// exactly (`logRateCovariance`).
public struct ParameterMap: Sendable, Equatable {
    /// How one rate is determined.
    public enum Definition: Sendable, Equatable {
        /// The j-th free parameter.
        case free(Int)
        /// A fixed value.
        case fixed(Double)
        /// `factor × rate[of]`.
        case proportional(of: Int, factor: Double)
        /// `Π rate[i]^power` over the other rates of a cycle (microscopic reversibility).
        case cycle([CycleTerm])
    }

    /// One factor of a cycle product: `rate[index]^power` with power ±1.
    public struct CycleTerm: Sendable, Equatable {
        public var index: Int
        public var power: Double
    }

    /// The definition of each rate, in transition order.
    public let definitions: [Definition]
    /// Transition indices of the free rates, in parameter order.
    public let freeRates: [Int]
    /// Log rate constants of the free rates as built (the usual starting point of a fit).
    public private(set) var initialParameters: [Double]
    /// `offset_r` of each rate.
    public private(set) var offsets: [Double]
    /// `coefficient_rj`: one row per rate, one column per free parameter.
    public private(set) var coefficients: [[Double]]

    // MARK: - Evaluation

    /// All rate constants for the free log-rates θ. Non-finite θ gives non-finite rates
    /// (callers check; `GatingScheme.with(parameters:)` throws on them).
    public func rateConstants(_ theta: [Double]) -> [Double] {
        var k = [Double](repeating: 0, count: offsets.count)
        for r in offsets.indices {
            var s = offsets[r]
            let c = coefficients[r]
            for j in theta.indices where c[j] != 0 { s += c[j] * theta[j] }
            k[r] = exp(s)
        }
        return k
    }

    /// Covariance of every log rate constant given the covariance of θ (exact, the map is affine).
    public func logRateCovariance(_ thetaCovariance: Matrix) -> Matrix {
        let a = Matrix(coefficients.isEmpty ? [] : coefficients)
        guard a.columns == thetaCovariance.rows, a.columns > 0 else {
            return Matrix(rows: offsets.count, columns: offsets.count)
        }
        return a * thetaCovariance * a.transposed
    }

    /// Replaces the free log-rates (same length; used when a scheme takes fitted rates).
    mutating func replaceInitialParameters(_ theta: [Double]) {
        if theta.count == initialParameters.count { initialParameters = theta }
    }

    /// Sets a free or fixed rate's value (the others follow their constraints).
    mutating func setIndependentRate(_ r: Int, value: Double, name: String) throws {
        switch definitions[r] {
        case let .free(j): initialParameters[j] = log(value)
        case .fixed:
            var defs = definitions
            defs[r] = .fixed(value)
            self = try ParameterMap(definitions: defs, freeRates: freeRates, initialParameters: initialParameters, names: [])
        default:
            throw GatingModelsError.inconsistentConstraint(rate: name, reason: "it is determined by a constraint; set the rate it depends on")
        }
    }

    // MARK: - Construction

    init(definitions: [Definition], freeRates: [Int], initialParameters: [Double], names: [String]) throws {
        self.definitions = definitions
        self.freeRates = freeRates
        self.initialParameters = initialParameters
        let n = definitions.count, p = freeRates.count
        var offsets = [Double?](repeating: nil, count: n)
        var coefs = [[Double]](repeating: [Double](repeating: 0, count: p), count: n)
        var visiting = Set<Int>()
        func resolve(_ r: Int) throws {
            if offsets[r] != nil { return }
            guard visiting.insert(r).inserted else {
                throw GatingModelsError.inconsistentConstraint(rate: r < names.count ? names[r] : "#\(r)",
                                                               reason: "constraints refer to each other in a circle")
            }
            switch definitions[r] {
            case let .free(j):
                offsets[r] = 0
                coefs[r][j] = 1
            case let .fixed(v):
                offsets[r] = log(v)
            case let .proportional(of, factor):
                try resolve(of)
                offsets[r] = log(factor) + offsets[of]!
                coefs[r] = coefs[of]
            case let .cycle(terms):
                var o = 0.0
                var c = [Double](repeating: 0, count: p)
                for t in terms {
                    try resolve(t.index)
                    o += t.power * offsets[t.index]!
                    for j in 0..<p { c[j] += t.power * coefs[t.index][j] }
                }
                offsets[r] = o
                coefs[r] = c
            }
            visiting.remove(r)
        }
        for r in 0..<n { try resolve(r) }
        self.offsets = offsets.map { $0 ?? 0 }
        self.coefficients = coefs
    }
}
