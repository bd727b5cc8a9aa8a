// Raw-pointer tables of a compiled network for the innermost loops (forward and reverse).

/// Immutable tables in manually allocated memory so that the hot loops run without bounds
/// checks, reference counting or closure calls. Read-only after init, hence safe to share
/// between threads. Mass-action propensities are classified by form:
/// 0: k (no reactant); 1: k·x_a; 2: k·x_a(x_a−1) (1/2 folded into k); 3: k·x_a·x_b;
/// 4: anything else (higher order or a supplied law) — evaluated through `CompiledNetwork`.
final class PropensityKernel: @unchecked Sendable {
    let speciesCount: Int
    let reactionCount: Int
    let kind: UnsafeMutablePointer<Int32>
    let speciesA: UnsafeMutablePointer<Int>
    let speciesB: UnsafeMutablePointer<Int>
    let changeStart: UnsafeMutablePointer<Int>
    let changeSpecies: UnsafeMutablePointer<Int>
    let changeDelta: UnsafeMutablePointer<Int>
    let dependentStart: UnsafeMutablePointer<Int>
    let dependents: UnsafeMutablePointer<Int>
    /// Rate parameter index per reaction (−1 for a supplied law).
    let rateParameter: UnsafeMutablePointer<Int>
    /// True when every reaction has a closed form (kinds 0–3).
    let closedForm: Bool
    /// True when every reaction is first order (kind 1), as in every gating scheme.
    let firstOrder: Bool
    let compiled: CompiledNetwork

    init(_ c: CompiledNetwork) {
        compiled = c
        speciesCount = c.speciesCount
        reactionCount = c.reactionCount
        let m = c.reactionCount
        kind = .allocate(capacity: max(m, 1))
        speciesA = .allocate(capacity: max(m, 1))
        speciesB = .allocate(capacity: max(m, 1))
        var allClosed = true
        for j in 0..<m {
            let terms = Array(zip(c.reactantSpecies[c.reactantStart[j]..<c.reactantStart[j + 1]],
                                  c.reactantCount[c.reactantStart[j]..<c.reactantStart[j + 1]]))
            speciesA[j] = terms.first?.0 ?? 0
            speciesB[j] = terms.count > 1 ? terms[1].0 : 0
            var k: Int32 = 4
            if c.rateParameter[j] >= 0 {
                switch (terms.count, terms.first?.1 ?? 0, terms.count > 1 ? terms[1].1 : 0) {
                case (0, _, _): k = 0
                case (1, 1, _): k = 1
                case (1, 2, _): k = 2
                case (2, 1, 1): k = 3
                default: k = 4
                }
            }
            if k == 4 { allClosed = false }
            kind[j] = k
        }
        closedForm = allClosed
        var allFirst = true
        for j in 0..<m where kind[j] != 1 { allFirst = false }
        firstOrder = allFirst
        changeStart = Self.copy(c.changeStart)
        changeSpecies = Self.copy(c.changeSpecies)
        changeDelta = Self.copy(c.changeDelta)
        dependentStart = Self.copy(c.dependentStart)
        dependents = Self.copy(c.dependents)
        rateParameter = Self.copy(c.rateParameter)
    }

    deinit {
        kind.deallocate(); speciesA.deallocate(); speciesB.deallocate()
        changeStart.deallocate(); changeSpecies.deallocate(); changeDelta.deallocate()
        dependentStart.deallocate(); dependents.deallocate(); rateParameter.deallocate()
    }

    private static func copy(_ array: [Int]) -> UnsafeMutablePointer<Int> {
        let p = UnsafeMutablePointer<Int>.allocate(capacity: max(array.count, 1))
        for (i, v) in array.enumerated() { p[i] = v }
        return p
    }

    /// a_j for closed forms (kinds 0–3); `k` holds effective rates k_j/Πν!.
    @inline(__always)
    func closedPropensity(_ j: Int, _ x: UnsafeMutablePointer<Int>, _ k: UnsafePointer<Double>) -> Double {
        switch kind[j] {
        case 0: return k[j]
        case 1: return k[j] * Double(x[speciesA[j]])
        case 2: let n = Double(x[speciesA[j]]); return k[j] * n * (n - 1)
        default: return k[j] * Double(x[speciesA[j]]) * Double(x[speciesB[j]])
        }
    }

    /// a_j of any form.
    @inline(__always)
    func propensity(_ j: Int, _ x: UnsafeMutablePointer<Int>, _ k: UnsafePointer<Double>,
                    _ values: UnsafeBufferPointer<Double>) -> Double {
        if kind[j] != 4 { return closedPropensity(j, x, k) }
        return compiled.propensity(j, counts: UnsafeBufferPointer(start: x, count: speciesCount), values: values)
    }

    /// Adds w·∂a_j/∂θ to θ̄ and w·∂a_j/∂x to x̄ (closed forms inline; others via `CompiledNetwork`).
    @inline(__always)
    func accumulate(_ j: Int, weight w: Double, propensity a: Double, _ x: UnsafeMutablePointer<Int>,
                    _ k: UnsafePointer<Double>, _ values: UnsafeBufferPointer<Double>,
                    thetaBar: UnsafeMutableBufferPointer<Double>, stateBar: UnsafeMutableBufferPointer<Double>,
                    scratchTheta: UnsafeMutableBufferPointer<Double>, scratchState: UnsafeMutableBufferPointer<Double>) {
        if w == 0 { return }
        switch kind[j] {
        case 0:
            thetaBar[rateParameter[j]] += w * a
        case 1:
            thetaBar[rateParameter[j]] += w * a
            stateBar[speciesA[j]] += w * k[j]
        case 2:
            thetaBar[rateParameter[j]] += w * a
            stateBar[speciesA[j]] += w * k[j] * (2 * Double(x[speciesA[j]]) - 1)
        case 3:
            thetaBar[rateParameter[j]] += w * a
            stateBar[speciesA[j]] += w * k[j] * Double(x[speciesB[j]])
            stateBar[speciesB[j]] += w * k[j] * Double(x[speciesA[j]])
        default:
            compiled.accumulateDerivatives(j, weight: w, propensity: a,
                                           counts: UnsafeBufferPointer(start: x, count: speciesCount), values: values,
                                           thetaBar: thetaBar, stateBar: stateBar,
                                           scratchTheta: scratchTheta, scratchState: scratchState)
        }
    }
}
