// One molecule hopping among species (a single ion channel): the network as a Markov chain.

/// The jump structure of a network whose every reaction moves one molecule from its reactant
/// species to one product species (first order, net change −1/+1 or none): with a total count
/// of 1 the state is one species index, and the direct method's step reduces to "exit rate of
/// that species, then its exits' cumulative rates". Built once per simulator; nil when the
/// network has any other kind of reaction.
struct SingleMoleculeChain: Sendable {
    let speciesCount: Int
    /// Exits of species s: `exitReaction`/`exitTarget`[exitStart[s]..<exitStart[s + 1]], in
    /// network order (the order the direct method's scan meets them).
    let exitStart: [Int]
    let exitReaction: [Int32]
    let exitTarget: [Int32]
    /// The species reaction j leaves (its only reactant).
    let reactionSource: [Int]

    init?(_ kernel: PropensityKernel) {
        guard kernel.firstOrder else { return nil }
        let sCount = kernel.speciesCount, m = kernel.reactionCount
        var bySpecies = [[(reaction: Int32, target: Int32)]](repeating: [], count: sCount)
        for j in 0..<m {
            let source = kernel.speciesA[j]
            let changes = kernel.changeStart[j]..<kernel.changeStart[j + 1]
            var target = source
            switch changes.count {
            case 0: break                                  // A → A: a jump that keeps the state
            case 2:
                var leaves = false
                for i in changes {
                    if kernel.changeDelta[i] == -1 && kernel.changeSpecies[i] == source { leaves = true }
                    else if kernel.changeDelta[i] == 1 { target = kernel.changeSpecies[i] }
                }
                guard leaves, target != source else { return nil }
            default: return nil
            }
            bySpecies[source].append((Int32(j), Int32(target)))
        }
        speciesCount = sCount
        reactionSource = (0..<m).map { kernel.speciesA[$0] }
        var start = [0]
        for exits in bySpecies { start.append(start.last! + exits.count) }
        exitStart = start
        exitReaction = bySpecies.flatMap { $0.map(\.reaction) }
        exitTarget = bySpecies.flatMap { $0.map(\.target) }
    }

    /// The occupied species if `x` holds exactly one molecule, else nil.
    static func occupied(_ x: UnsafePointer<Int>, count: Int) -> Int? {
        var found: Int?
        for s in 0..<count {
            if x[s] == 0 { continue }
            if x[s] != 1 || found != nil { return nil }
            found = s
        }
        return found
    }

    /// Whether the effective rates keep the chain loop bit-identical to the general one: all
    /// finite, ≥ 0, and positive ones far from underflow (so u·a0 > 0 for every uniform u).
    static func ratesAdmissible(_ k: UnsafePointer<Double>, count: Int) -> Bool {
        for j in 0..<count where !(k[j] == 0 || (k[j] >= 0x1p-900 && k[j] < .infinity)) { return false }
        return true
    }
}

/// Per-run tables of a `SingleMoleculeChain` for given effective rates, in one block: per
/// species its exit rate a0 (the direct method's left-to-right sum, bit for bit), and per exit
/// the cumulative rate through it (the scan's running sum at that reaction).
struct ChainRates {
    /// a0 of species s.
    let exitRate: UnsafeMutablePointer<Double>
    /// Cumulative rate through exit i of its species.
    let threshold: UnsafeMutablePointer<Double>

    init(_ chain: SingleMoleculeChain, rates k: UnsafePointer<Double>) {
        let exits = chain.exitReaction.count
        exitRate = .allocate(capacity: max(chain.speciesCount + exits, 1))
        threshold = exitRate + chain.speciesCount
        for s in 0..<chain.speciesCount {
            // The direct method sums a_j = k_j·x over all reactions in network order; adding the
            // zero terms of the other species' reactions changes no bit, so this is that sum.
            var sum = 0.0
            for i in chain.exitStart[s]..<chain.exitStart[s + 1] {
                sum += k[Int(chain.exitReaction[i])]
                threshold[i] = sum
            }
            exitRate[s] = sum
        }
    }

    func deallocate() { exitRate.deallocate() }
}
