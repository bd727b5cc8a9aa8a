// Sparse tables of a closed-form mass-action network for the reverse pass (`massActionReverse`).

/// Every closed-form propensity (kinds 0–3 of `PropensityKernel`) written as one product
/// a_j = k_j · x[first_j] · (x[second_j] − offset_j) over a state extended by a constant slot
/// x[S] = 1: kind 0 reads (S, S), kind 1 (A, S), kind 2 (A, A) with offset 1, kind 3 (A, B).
/// So a_j and its two partial derivatives ∂a_j/∂x[first] = k·(x[second] − offset),
/// ∂a_j/∂x[second] = k·x[first] need no branch on the form; a derivative aimed at the constant
/// slot S is dropped (for kind 2 both land on A and add up to k·(2x − 1)).
///
/// (∂a/∂x)ᵀā is gathered per species over the derivative slots aimed at it (no scattered
/// read-modify-write chains), and the net changes are padded to a fixed width so that the
/// softmax reads ȳ_j = ν_j·x̄′ without a loop bound per reaction. Built once per
/// `StraightThroughGradient`; read-only, so shared freely.
final class MassActionAdjointTables: @unchecked Sendable {
    let speciesCount: Int
    let reactionCount: Int
    /// The two factors' slots (S = the constant 1) and the offset of the second.
    let first: UnsafeMutablePointer<Int>
    let second: UnsafeMutablePointer<Int>
    let offset: UnsafeMutablePointer<Int>
    /// Reactions padded to an even count (the softmax runs on pairs); reaction m… is a dummy
    /// that never fires (a = 0).
    let paddedCount: Int
    /// Net change of reaction j, `changeWidth` entries from j·changeWidth, padded with weight 0
    /// on the slot S (whose x̄′ stays 0).
    let changeWidth: Int
    let changeSlot: UnsafeMutablePointer<Int>
    let changeWeight: UnsafeMutablePointer<Double>
    /// The same net changes as integers (for undoing an event without a loop bound).
    let changeCount: UnsafeMutablePointer<Int>
    /// The derivative slots aimed at species s: termSlot[i] for i in termStart[s]..<termStart[s+1]
    /// (derivative[2j] = ∂a_j/∂x[first_j], derivative[2j + 1] = ∂a_j/∂x[second_j]) and their
    /// reactions termReaction[i], so (∂a/∂x)ᵀā at s = Σ_i ā[termReaction[i]]·derivative[termSlot[i]].
    let termStart: UnsafeMutablePointer<Int>
    let termSlot: UnsafeMutablePointer<Int>
    let termReaction: UnsafeMutablePointer<Int>
    // Dependents and rate parameters are the kernel's own (`PropensityKernel`).

    /// nil unless every law has a closed mass-action form.
    init?(_ kernel: PropensityKernel) {
        guard kernel.closedForm else { return nil }
        let m = kernel.reactionCount, sCount = kernel.speciesCount
        speciesCount = sCount
        reactionCount = m
        var firsts = [Int](), seconds = [Int](), offsets = [Int]()
        for j in 0..<m {
            let a = kernel.speciesA[j], b = kernel.speciesB[j]
            switch kernel.kind[j] {
            case 0: firsts.append(sCount); seconds.append(sCount); offsets.append(0)
            case 1: firsts.append(a); seconds.append(sCount); offsets.append(0)
            case 2: firsts.append(a); seconds.append(a); offsets.append(1)
            default: firsts.append(a); seconds.append(b); offsets.append(0)
            }
        }
        // The derivative slots aimed at each species (never at the constant slot).
        var terms = [[Int]](repeating: [], count: sCount)
        for j in 0..<m {
            if firsts[j] < sCount { terms[firsts[j]].append(2 * j) }
            if seconds[j] < sCount { terms[seconds[j]].append(2 * j + 1) }
        }
        let c = kernel.compiled
        first = Self.copy(firsts); second = Self.copy(seconds); offset = Self.copy(offsets)
        paddedCount = m + (m & 1)
        // Width 3 (unrolled in the loop) unless some reaction changes more species.
        changeWidth = max(3, (0..<m).map { c.changeStart[$0 + 1] - c.changeStart[$0] }.max() ?? 3)
        changeSlot = .allocate(capacity: paddedCount * changeWidth)
        changeSlot.initialize(repeating: sCount, count: paddedCount * changeWidth)
        changeWeight = .allocate(capacity: paddedCount * changeWidth)
        changeWeight.initialize(repeating: 0, count: paddedCount * changeWidth)
        changeCount = .allocate(capacity: paddedCount * changeWidth)
        changeCount.initialize(repeating: 0, count: paddedCount * changeWidth)
        for j in 0..<m {
            for (e, i) in (c.changeStart[j]..<c.changeStart[j + 1]).enumerated() {
                changeSlot[j * changeWidth + e] = c.changeSpecies[i]
                changeWeight[j * changeWidth + e] = Double(c.changeDelta[i])
                changeCount[j * changeWidth + e] = c.changeDelta[i]
            }
        }
        termStart = Self.copy(Self.starts(terms))
        termSlot = Self.copy(terms.flatMap { $0 })
        termReaction = Self.copy(terms.flatMap { $0.map { $0 >> 1 } })
    }

    deinit {
        first.deallocate(); second.deallocate(); offset.deallocate()
        changeSlot.deallocate(); changeWeight.deallocate(); changeCount.deallocate()
        termStart.deallocate(); termSlot.deallocate(); termReaction.deallocate()
    }

    /// CSR offsets of a list of lists.
    private static func starts(_ lists: [[Int]]) -> [Int] {
        var s = [0]
        for l in lists { s.append(s[s.count - 1] + l.count) }
        return s
    }

    private static func copy(_ array: [Int]) -> UnsafeMutablePointer<Int> {
        let p = UnsafeMutablePointer<Int>.allocate(capacity: max(array.count, 1))
        for (i, v) in array.enumerated() { p[i] = v }
        return p
    }
}
