// A flat, index-based form of a ReactionNetwork for the simulation and reverse-pass loops.

/// Flattened reaction data (CSR-style arrays) so that hot loops touch contiguous memory only.
/// Built once per simulator; immutable and Sendable.
struct CompiledNetwork: Sendable {
    let speciesCount: Int
    let reactionCount: Int
    /// Mass-action rate parameter index per reaction, −1 for a supplied law.
    let rateParameter: [Int]
    /// 1/Π ν_s! per reaction (Gillespie's combinatorial factor).
    let combinatorialFactor: [Double]
    /// Reactant terms of reaction j: reactantSpecies/reactantCount[reactantStart[j]..<reactantStart[j+1]].
    let reactantStart: [Int]
    let reactantSpecies: [Int]
    let reactantCount: [Int]
    /// Net change of reaction j: changeSpecies/changeDelta[changeStart[j]..<changeStart[j+1]].
    let changeStart: [Int]
    let changeSpecies: [Int]
    let changeDelta: [Int]
    /// Reactions whose propensity may change when reaction j fires.
    let dependentStart: [Int]
    let dependents: [Int]
    /// Supplied laws by reaction (nil for mass action).
    let supplied: [SuppliedPropensity?]
    /// Whether parameter k is log-scale (∂/∂θ_k = value_k · ∂/∂value_k).
    let logScale: [Bool]
    let names: [String]

    init(_ network: ReactionNetwork) {
        speciesCount = network.speciesCount
        reactionCount = network.reactionCount
        names = network.reactions.map(\.name)
        logScale = network.parameters.map { $0.scale == .log }
        var rateParameter: [Int] = [], factor: [Double] = [], supplied: [SuppliedPropensity?] = []
        var rStart = [0], rSpecies: [Int] = [], rCount: [Int] = []
        var cStart = [0], cSpecies: [Int] = [], cDelta: [Int] = []
        var readers = [[Int]](repeating: [], count: network.speciesCount)   // species → reactions reading it
        for (j, reaction) in network.reactions.enumerated() {
            var f = 1.0
            for term in reaction.reactants {
                rSpecies.append(term.species); rCount.append(term.count)
                for m in stride(from: 2, through: term.count, by: 1) { f /= Double(m) }
            }
            rStart.append(rSpecies.count)
            for term in reaction.netChange { cSpecies.append(term.species); cDelta.append(term.count) }
            cStart.append(cSpecies.count)
            switch reaction.law {
            case .massAction(let k):
                rateParameter.append(k); supplied.append(nil)
                for term in reaction.reactants { readers[term.species].append(j) }
            case .supplied(let law):
                rateParameter.append(-1); supplied.append(law)
                for s in law.dependencies { readers[s].append(j) }
            }
            factor.append(f)
        }
        var dStart = [0], deps: [Int] = []
        for j in 0..<network.reactionCount {
            var set = Set<Int>()
            for i in cStart[j]..<cStart[j + 1] { set.formUnion(readers[cSpecies[i]]) }
            deps.append(contentsOf: set.sorted())
            dStart.append(deps.count)
        }
        self.rateParameter = rateParameter; self.combinatorialFactor = factor; self.supplied = supplied
        reactantStart = rStart; reactantSpecies = rSpecies; reactantCount = rCount
        changeStart = cStart; changeSpecies = cSpecies; changeDelta = cDelta
        dependentStart = dStart; dependents = deps
    }

    /// Whether every reaction is mass action (the simulator then skips closure calls).
    var allMassAction: Bool { !rateParameter.contains(-1) }

    /// k_j · 1/Πν! per reaction for the given parameter values (0 for supplied laws).
    func effectiveRates(values: [Double]) -> [Double] {
        (0..<reactionCount).map { rateParameter[$0] >= 0 ? values[rateParameter[$0]] * combinatorialFactor[$0] : 0 }
    }

    // MARK: - Propensity and derivatives

    /// Falling-factorial product Π_s x_s(x_s−1)…(x_s−ν_s+1) of reaction j (0 if a count is short).
    @inline(__always)
    func combinations(_ j: Int, counts x: UnsafeBufferPointer<Int>) -> Double {
        var h = 1.0
        for i in reactantStart[j]..<reactantStart[j + 1] {
            let n = x[reactantSpecies[i]]
            for m in 0..<reactantCount[i] { h *= Double(n - m) }
        }
        return h > 0 ? h : 0
    }

    /// a_j(x) for parameter values `values`.
    func propensity(_ j: Int, counts x: UnsafeBufferPointer<Int>, values: UnsafeBufferPointer<Double>) -> Double {
        if let law = supplied[j] { return law.evaluate(x, values) }
        return values[rateParameter[j]] * combinatorialFactor[j] * combinations(j, counts: x)
    }

    /// Adds weight·∂a_j/∂θ to `thetaBar` and weight·∂a_j/∂x to `stateBar`, where x is treated
    /// as continuous (straight-through relaxation) and θ are the optimisation coordinates.
    /// `scratchTheta`/`scratchState` must have parameter/species length (used by supplied laws).
    func accumulateDerivatives(_ j: Int, weight: Double, propensity a: Double,
                               counts x: UnsafeBufferPointer<Int>, values: UnsafeBufferPointer<Double>,
                               thetaBar: UnsafeMutableBufferPointer<Double>, stateBar: UnsafeMutableBufferPointer<Double>,
                               scratchTheta: UnsafeMutableBufferPointer<Double>, scratchState: UnsafeMutableBufferPointer<Double>) {
        if weight == 0 { return }
        if let law = supplied[j] {
            for k in scratchTheta.indices { scratchTheta[k] = 0 }
            for s in scratchState.indices { scratchState[s] = 0 }
            law.derivatives(x, values, scratchTheta, scratchState)
            for k in scratchTheta.indices where scratchTheta[k] != 0 {
                thetaBar[k] += weight * scratchTheta[k] * (logScale[k] ? values[k] : 1)
            }
            for s in scratchState.indices { stateBar[s] += weight * scratchState[s] }
            return
        }
        // Mass action: ∂a/∂log k = a; ∂a/∂x_s = k·c·(∂/∂x_s of the falling-factorial product).
        thetaBar[rateParameter[j]] += weight * a
        let kc = values[rateParameter[j]] * combinatorialFactor[j]
        for i in reactantStart[j]..<reactantStart[j + 1] {
            let s = reactantSpecies[i]
            // Product over the other reactant species.
            var others = 1.0
            for i2 in reactantStart[j]..<reactantStart[j + 1] where i2 != i {
                let n = Double(x[reactantSpecies[i2]])
                for m in 0..<reactantCount[i2] { others *= n - Double(m) }
            }
            // d/dn Π_m (n − m) by the product rule.
            let n = Double(x[s]), nu = reactantCount[i]
            var derivative = 0.0
            for skip in 0..<nu {
                var term = 1.0
                for m in 0..<nu where m != skip { term *= n - Double(m) }
                derivative += term
            }
            stateBar[s] += weight * kc * others * derivative
        }
    }
}
