// The conditional Gumbel noise of the reverse pass, shared by every reverse loop and by the
// oracles' `perturbedLogits`, so all of them see the same values.

/// The noise of one event up to a common scale of E₀ and the E_j (the softmax sees only the
/// ratios E_j/E₀). With exactly two competing reactions (chosen r, other o) it is one hashed
/// word: U = E_o/(E₀ + E_o) is Uniform(0, 1) whatever E₀ + E_o (two iid Exp(1)), so E₀ = 1 − U,
/// E_o = U carry the full law of the ratio at the cost of one hash — no ziggurat, no logarithm.
/// With three or more, E_c (c = j; E₀: c = M) is a ziggurat Exp(1) of one 32-bit half (c & 1) of
/// the hashed word c >> 1: one hash per two reactions (the loops ask in ascending j).
struct EventNoise {
    let key: UInt64
    /// Two competitors: the single draw U ∈ (0, 1), else unused.
    let share: Double
    let pair: Bool
    /// E₀ (two competitors: 1 − U).
    let e0: Double
    /// The last hashed word and its index (c >> 1).
    var cachedIndex = UInt64.max, cachedWord: UInt64 = 0

    /// The noise of event `event` (1-based) of the trajectory with `noiseKey`; `pair`: exactly
    /// two reactions have a_j > 0 (the chosen one included).
    @inline(__always)
    init(noiseKey: UInt64, event: Int, reactionCount m: Int, pair: Bool, _ zig: ExponentialZiggurat) {
        key = StraightThroughGradient.eventKey(noiseKey, event)
        self.pair = pair
        if pair {
            share = Self.pairShare(key: key, reactionCount: m)
            e0 = 1 - share
        } else {
            share = 0
            e0 = Self.halfExponential(key: key, counter: UInt64(m), word: CounterNoise.word(key: key, counter: UInt64(m) >> 1), zig)
        }
    }

    /// U = E_o/(E₀ + E_o) of a two-way choice at event key `key`: 52 bits and a half-step offset,
    /// U ∈ [2⁻⁵³, 1 − 2⁻⁵³], never 0 or 1, and 1 − U is exact. (The runner-up draws the same.)
    @inline(__always)
    static func pairShare(key: UInt64, reactionCount m: Int) -> Double {
        (Double(CounterNoise.word(key: key, counter: UInt64(m)) >> 12) + 0.5) * 0x1.0p-52
    }

    /// The scale S = E₀ + E_o ~ Gamma(2) that the ratio U leaves out (independent of U; from two
    /// further counters) — only oracles that need the logits themselves ask for it.
    static func pairScale(key: UInt64, reactionCount m: Int, _ zig: ExponentialZiggurat) -> Double {
        CounterNoise.exponential(key: key, counter: UInt64(m + 1), zig) + CounterNoise.exponential(key: key, counter: UInt64(m + 2), zig)
    }

    /// E_j of a non-chosen competing reaction j (on the scale of `e0`).
    @inline(__always)
    mutating func exit(_ j: Int, _ zig: ExponentialZiggurat) -> Double {
        if pair { return share }
        let c = UInt64(j)
        if c >> 1 != cachedIndex { cachedIndex = c >> 1; cachedWord = CounterNoise.word(key: key, counter: c >> 1) }
        return Self.halfExponential(key: key, counter: c, word: cachedWord, zig)
    }

    /// The ziggurat Exp(1) of half c & 1 of `word`; its rare slow path continues with a SplitMix64
    /// stream seeded by (word, c).
    @inline(__always)
    static func halfExponential(key: UInt64, counter c: UInt64, word: UInt64, _ zig: ExponentialZiggurat) -> Double {
        var more = SplitMix64(seed: SplitMix64.mix(word ^ c))
        return zig.sample32(UInt32(truncatingIfNeeded: c & 1 == 0 ? word : word >> 32)) { more.next() }
    }
}

/// The runner-up of the Gumbel-max race at an event with three or more competitors
/// (`ChoiceRelaxation.runnerUp`). Given the winner r, the others' race times exceed the winner's
/// by independent E_j/a_j, so the runner-up is o ∝ a_o among j ≠ r (inverse transform of one
/// uniform over the a_j in network order) and its margin E_o/a_o = E′/(a0 − a_r) with E′ ~ Exp(1).
/// The softmax sees only E′/E₀; as with two competitors, U = E′/(E₀ + E′) ~ Uniform(0, 1) from the
/// same word gives E₀ = 1 − U, E′ = U — so with exactly two competitors (o is then the other one and
/// a0 − a_r = a_o) this is `EventNoise`'s pair draw, value for value.
struct RunnerUpNoise {
    /// The runner-up's reaction index.
    let other: Int
    /// U ∈ (0, 1): E₀ = 1 − U, E′ = U.
    let share: Double

    /// - Parameters: `key` the event key (`StraightThroughGradient.eventKey`), `a` the propensities
    ///   before the event (m of them), `race` = a0 − a_r (the others' total rate, > 0).
    @inline(__always)
    init(key: UInt64, a: UnsafePointer<Double>, count m: Int, chosen r: Int, race: Double) {
        share = EventNoise.pairShare(key: key, reactionCount: m)
        other = Self.select(target: Self.selectionUniform(key: key, reactionCount: m) * race, a: a, count: m, chosen: r)
    }

    /// The selection's uniform in (0, 1): one SplitMix64 round at counter m + 3 — over events a
    /// Weyl sequence through the SplitMix64 finaliser, i.e. a SplitMix64 stream. (The forward
    /// draws the same when it records the runner-up, `DirectMethodSimulator.runnerUp`.)
    @inline(__always)
    static func selectionUniform(key: UInt64, reactionCount m: Int) -> Double {
        let bits = SplitMix64.mix(key &+ (UInt64(m) &+ 3) &* 0x9E37_79B9_7F4A_7C15)
        return (Double(bits >> 11) + 0.5) * 0x1.0p-53
    }

    /// The first j ≠ r whose cumulative propensity (r left out, network order) exceeds `target`.
    /// The running sum advances a pair of reactions at a time (the pair's own sum is off the
    /// chain), which halves the chain of dependent additions that the scan waits on; the pair
    /// holding r contributes its other reaction only. Reactions with a_j = 0 cannot be the first to
    /// pass the target.
    @inline(__always)
    static func select(target: Double, a: UnsafePointer<Double>, count m: Int, chosen r: Int) -> Int {
        var sum = 0.0
        // The pairs p in `pairs`: the first reaction past the target, or nil with `sum` advanced.
        @inline(__always) func scan(pairs: Range<Int>) -> Int? {
            for p in pairs {
                let j = p &<< 1, next = sum + (a[j] + a[j &+ 1])
                if next > target { return sum + a[j] > target ? j : j &+ 1 }
                sum = next
            }
            return nil
        }
        let chosenPair = r >> 1, partner = r ^ 1
        if let j = scan(pairs: 0..<chosenPair) { return j }
        if partner < m {
            sum += a[partner]
            if sum > target { return partner }
        }
        if let j = scan(pairs: (chosenPair &+ 1)..<max(m >> 1, chosenPair &+ 1)) { return j }
        // An odd count's last reaction has no partner: it is stepped alone (unless it is r).
        if m & 1 == 1 && m &- 1 != r {
            sum += a[m &- 1]
            if sum > target { return m &- 1 }
        }
        // The target can reach the total only by rounding: the last competitor then.
        return lastCompetitor(a: a, count: m, chosen: r)
    }

    /// The last j ≠ r with a_j > 0 (−1 if none): where a selection lands when its target reached
    /// the total by rounding.
    @inline(never)
    static func lastCompetitor(a: UnsafePointer<Double>, count m: Int, chosen r: Int) -> Int {
        var last = -1
        for j in 0..<m where j != r && a[j] > 0 { last = j }
        return last
    }
}

extension StraightThroughGradient {
    /// The perturbed logits z = ℓ + g used by the surrogate at event `event` (1-based) of a
    /// trajectory with `noiseKey`, given the propensities before the event and the recorded
    /// choice (z_r = log a0 − log E₀, z_j = −log(E₀/a0 + E_j/a_j), E iid Exp(1)). Zero-propensity
    /// reactions get −∞. Public so that oracles (dual numbers) can replay the identical noise.
    ///
    /// With `relaxation: .runnerUp` and three or more competitors only the chosen reaction and the
    /// runner-up (`RunnerUpNoise`) get finite logits, z_o = z_r − log1p((E′/E₀)·a0/(a0 − a_r)).
    public static func perturbedLogits(propensities a: [Double], chosen: Int, noiseKey: UInt64, event: Int,
                                       relaxation: ChoiceRelaxation = .allReactions) -> [Double] {
        let a0 = a.reduce(0, +), zig = ExponentialZiggurat.shared
        if relaxation == .runnerUp, a.filter({ $0 > 0 }).count >= 3 {
            let key = eventKey(noiseKey, event)
            let race = a0 - a[chosen]
            let runnerUp = a.withUnsafeBufferPointer {
                RunnerUpNoise(key: key, a: $0.baseAddress!, count: a.count, chosen: chosen, race: race)
            }
            let scale = EventNoise.pairScale(key: key, reactionCount: a.count, zig)
            let e0 = (1 - runnerUp.share) * scale
            let zr = libmLog(a0) - libmLog(e0)
            return a.indices.map { j in
                if j == chosen { return zr }
                if j == runnerUp.other { return zr - log1p(runnerUp.share * scale * a0 / (race * e0)) }
                return -.infinity
            }
        }
        var noise = EventNoise(noiseKey: noiseKey, event: event, reactionCount: a.count,
                               pair: a.filter { $0 > 0 }.count == 2, zig)
        // The loops need only ratios; the logits themselves need the scale with two competitors.
        let scale = noise.pair ? EventNoise.pairScale(key: noise.key, reactionCount: a.count, zig) : 1
        let e0 = noise.e0 * scale
        let zr = libmLog(a0) - libmLog(e0)
        return a.indices.map { j in
            if j == chosen { return zr }
            // z_r − z_j = log1p(E_j·a0/(a_j·E₀)) ≥ 0.
            return a[j] > 0 ? zr - log1p(noise.exit(j, zig) * scale * a0 / (a[j] * e0)) : -.infinity
        }
    }

    @inline(__always)
    static func eventKey(_ key: UInt64, _ event: Int) -> UInt64 {
        key &+ UInt64(truncatingIfNeeded: event) &* 0xD1B5_4A32_D192_ED03
    }
}
