// A single channel whose closed state has several exits: the reference for the bias of the
// straight-through choice gradient where more than two reactions compete.

/// One channel, closed state C with exits to open states O_i (opening rates c_i) and each O_i
/// closing back to C (rates o_i). Stationary: π_Oi/π_C = r_i = c_i/o_i, so
/// Popen = R/(1 + R) with R = Σ r_i, and ∂Popen/∂log c_i = −∂Popen/∂log o_i = r_i/(1 + R)².
public enum StarChannel {
    /// Species C, O1…On; parameters c1, o1, c2, o2, … (reaction 2i: C → O_{i+1}, 2i + 1 back).
    /// - Throws: `KineticsError` for rates that are not positive and finite or mismatched counts.
    public static func network(opening c: [Double], closing o: [Double]) throws -> ReactionNetwork {
        guard c.count == o.count, !c.isEmpty else {
            throw KineticsError.invalidArgument("a star channel needs as many closing as opening rates (≥ 1)")
        }
        var parameters: [RateParameter] = [], reactions: [Reaction] = []
        for i in c.indices {
            parameters.append(RateParameter(name: "c\(i + 1)", value: c[i]))
            parameters.append(RateParameter(name: "o\(i + 1)", value: o[i]))
            reactions.append(Reaction(name: "C->O\(i + 1)", reactants: [.init(species: 0, count: 1)],
                                      products: [.init(species: i + 1, count: 1)], law: .massAction(parameter: 2 * i)))
            reactions.append(Reaction(name: "O\(i + 1)->C", reactants: [.init(species: i + 1, count: 1)],
                                      products: [.init(species: 0, count: 1)], law: .massAction(parameter: 2 * i + 1)))
        }
        return try ReactionNetwork(species: ["C"] + c.indices.map { "O\($0 + 1)" }, initialState: [1] + c.map { _ in 0 },
                                   parameters: parameters, reactions: reactions)
    }

    /// Popen = R/(1 + R).
    public static func openProbability(opening c: [Double], closing o: [Double]) -> Double {
        let big = zip(c, o).reduce(0) { $0 + $1.0 / $1.1 }
        return big / (1 + big)
    }

    /// ∂Popen/∂log(c1, o1, c2, o2, …).
    public static func openProbabilityGradient(opening c: [Double], closing o: [Double]) -> [Double] {
        let r = zip(c, o).map { $0 / $1 }, big = r.reduce(0, +), scale = 1 / ((1 + big) * (1 + big))
        return r.flatMap { [$0 * scale, -$0 * scale] }
    }

    /// Stationary transitions per second: π_C·Σc_i + Σ π_Oi·o_i = 2·π_C·Σc_i.
    public static func eventRate(opening c: [Double], closing o: [Double]) -> Double {
        2 * (1 - openProbability(opening: c, closing: o)) * c.reduce(0, +)
    }
}
