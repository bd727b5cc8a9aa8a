// The softmax of one event in the mass-action reverse pass: pairs of reactions, two competitors.

extension StraightThroughGradient {
    /// The softmax of one event over all (padded) reactions: fills `aBar` and adds ā_j·a_j to
    /// `choice`. At τ = 0.5 it runs on pairs of reactions — one hashed word feeds both noises,
    /// one packed division both weights: with w = a_j·E₀/(a_j·E₀ + E_j·a0), y = w², y/a = w·E₀/(…).
    /// The chosen reaction takes E = 0 (so w = 1, y/a = 1/a_r) and a_j = 0 gives w = 0, so no
    /// lane needs a branch; E > 0 on every other lane keeps the divisor positive.
    @inline(__always)
    func choiceTerms<Flags: ChainReverseMode>(_ flags: Flags.Type, _ tables: MassActionAdjointTables,
                                                      _ scratch: MassActionScratch, chosen r: Int, event: Int,
                                                      key0: UInt64, a0: Double) {
        let m = tables.reactionCount, paddedCount = tables.paddedCount
        let width = tables.changeWidth, changeSlot = tables.changeSlot, changeWeight = tables.changeWeight
        let a = scratch.a, dots = scratch.dots, yOverA = scratch.yOverA, aBar = scratch.aBar, choice = scratch.choice
        let exits = scratch.exits
        let xBar = scratch.xBar
        let zig = ExponentialZiggurat.shared
        var noise = EventNoise(noiseKey: key0, event: event, reactionCount: m, pair: false, zig)
        let e0 = noise.e0
        @inline(__always) func dot(_ j: Int) -> Double { Self.dot(j, width, changeSlot, changeWeight, xBar) }
        var norm = 0.0, weighted = 0.0
        if Flags.squarePower {
            var norm2 = SIMD2<Double>(), weighted2 = SIMD2<Double>()
            // Two passes: the noise of every pair first (short, independent hash chains that the
            // core overlaps), then the arithmetic. A lane with a_j = 0 takes E = 1 (w = 0 anyway),
            // the chosen one E = 0.
            for j in stride(from: 0, to: paddedCount, by: 2) {
                var e = SIMD2<Double>(repeating: 1)
                let needs0 = a[j] > 0 && j != r, needs1 = a[j &+ 1] > 0 && j &+ 1 != r
                if needs0 || needs1 {
                    let word = CounterNoise.word(key: noise.key, counter: UInt64(j >> 1))
                    if needs0 { e[0] = EventNoise.halfExponential(key: noise.key, counter: UInt64(j), word: word, zig) }
                    if needs1 { e[1] = EventNoise.halfExponential(key: noise.key, counter: UInt64(j &+ 1), word: word, zig) }
                }
                Self.store2(e, exits + j)
            }
            exits[r] = 0
            for j in stride(from: 0, to: paddedCount, by: 2) {
                let aj = Self.load2(a + j), e = Self.load2(exits + j)
                let ae = aj * e0
                let d = 1 / (ae + e * a0)
                let w = ae * d
                let y = w * w
                let ya = w * e0 * d
                let dj = SIMD2(dot(j), dot(j &+ 1))
                norm2 += y
                weighted2 += y * dj
                Self.store2(ya, yOverA + j)
                Self.store2(dj, dots + j)
            }
            norm = norm2.sum()
            weighted = weighted2.sum()
        } else {
            let power = SurrogatePower(temperature: options.temperature)
            for j in 0..<paddedCount {
                let dj = dot(j)
                var y = 0.0, ya = 0.0                   // a_j = 0: not in the softmax
                if j == r {
                    y = 1; ya = 1 / a[j]
                } else if a[j] > 0 {
                    y = power.weight(ratio: noise.exit(j, zig) * a0 / (a[j] * e0))
                    ya = y / a[j]
                }
                norm += y
                weighted += y * dj
                yOverA[j] = ya
                dots[j] = dj
            }
        }
        let invNorm = 1 / norm
        let mean = SIMD2(repeating: weighted * invNorm)
        let scale = SIMD2(repeating: invNorm * (1 / options.temperature))
        for j in stride(from: 0, to: paddedCount, by: 2) {
            let g = scale * Self.load2(yOverA + j) * (Self.load2(dots + j) - mean)
            Self.store2(g, aBar + j)
            Self.store2(Self.load2(choice + j) + g * Self.load2(a + j), choice + j)
        }
    }

    /// The softmax with exactly two competitors, chosen c and other o (every step of a
    /// dimerization): y_c = 1, y_o = w^(1/τ), and ā_c·a_c = −ā_o·a_o = (1/τ)·Δ·y_o/(1 + y_o)² with
    /// Δ = ȳ_c − ȳ_o; at τ = 0.5 with P = a_o·E₀, D = P + E_o·a0: y_o/(1 + y_o)² = (P·D/(D² + P²))².
    /// Everything but Δ is off the chain that carries x̄′ from event to event.
    @inline(__always)
    func pairTerms<Flags: ChainReverseMode>(_ flags: Flags.Type, _ tables: MassActionAdjointTables,
                                                    _ scratch: MassActionScratch, chosen c: Int, event: Int,
                                                    key0: UInt64, a0: Double, power: SurrogatePower) {
        let m = tables.reactionCount, a = scratch.a
        var o = c ^ 1
        if m > 2 { for j in 0..<m where j != c && a[j] > 0 { o = j; break } }
        let zig = ExponentialZiggurat.shared
        let noise = EventNoise(noiseKey: key0, event: event, reactionCount: m, pair: true, zig)
        let pw = Self.pairWeight(Flags.self, other: a[o], e0: noise.e0, share: noise.share, a0: a0, product: a[c] * a[o],
                                 power: power)
        let width = tables.changeWidth, changeSlot = tables.changeSlot, changeWeight = tables.changeWeight
        let delta = Self.dot(c, width, changeSlot, changeWeight, scratch.xBar) - Self.dot(o, width, changeSlot, changeWeight, scratch.xBar)
        let adjoints = Self.pairAdjoints(pw, delta: delta, invTau: power.inverseTemperature, chosenRate: a[c], otherRate: a[o])
        let aBar = scratch.aBar, choice = scratch.choice
        if m > 2 { for j in 0..<tables.paddedCount { aBar[j] = 0 } }
        choice[c] += adjoints.share
        choice[o] -= adjoints.share
        aBar[c] = adjoints.chosen
        aBar[o] = adjoints.other
    }

    /// The adjoints of a two-way softmax between the chosen c and o from its weight
    /// y_o/(1 + y_o)² (`pairWeight`) and Δ = ȳ_c − ȳ_o: ā_c·a_c = −ā_o·a_o = (1/τ)·weight·Δ
    /// (`share`), and ā_c, ā_o themselves (one multiply by 1/(a_c·a_o) when that is safe).
    @inline(__always)
    static func pairAdjoints(_ pw: (weight: Double, inverseProduct: Double, safe: Bool), delta: Double, invTau: Double,
                             chosenRate ac: Double, otherRate ao: Double) -> (share: Double, chosen: Double, other: Double) {
        let g = pw.weight * invTau
        if pw.safe { return (g * delta, delta * (g * (ao * pw.inverseProduct)), -delta * (g * (ac * pw.inverseProduct))) }
        return (g * delta, delta * (g / ac), -delta * (g / ao))
    }

    /// y_o/(1 + y_o)² of two competitors (other o with a_o = `other` — for a runner-up the others'
    /// total rate a0 − a_c —, noise E₀ = `e0`, E_o = `share`)
    /// and 1/(a_c·a_o) = 1/`product`, from one packed division at τ = 0.5 (P = a_o·E₀,
    /// D = P + E_o·a0: y_o/(1 + y_o)² = (P·D/(D² + P²))²). `safe` is false when a_c·a_o is not a
    /// normal number below 2⁵⁰⁰ (then `inverseProduct` is 1 and the caller divides by each a).
    @inline(__always)
    static func pairWeight<Flags: ChainReverseMode>(_ flags: Flags.Type, other: Double, e0: Double, share: Double, a0: Double,
                                                    product: Double, power: SurrogatePower)
        -> (weight: Double, inverseProduct: Double, safe: Bool) {
        let safe = product.isNormal && product < 0x1p500
        if Flags.squarePower {
            let p = other * e0, d = p + share * a0
            let q = SIMD2(p * d, 1) / SIMD2(d * d + p * p, safe ? product : 1)
            return (q[0] * q[0], q[1], safe)
        }
        let y = power.weight(ratio: share * a0 / (other * e0))
        return (y / ((1 + y) * (1 + y)), 1 / (safe ? product : 1), safe)
    }

    /// ȳ_j = ν_j·x̄′ over reaction j's padded net change (width 3 unrolled: every network here).
    @inline(__always)
    static func dot(_ j: Int, _ width: Int, _ slot: UnsafeMutablePointer<Int>, _ weight: UnsafeMutablePointer<Double>,
                            _ xBar: UnsafeMutablePointer<Double>) -> Double {
        let base = j &* width
        if width == 3 {
            return weight[base] * xBar[slot[base]] + weight[base &+ 1] * xBar[slot[base &+ 1]] + weight[base &+ 2] * xBar[slot[base &+ 2]]
        }
        var d = 0.0
        for e in 0..<width { d += weight[base &+ e] * xBar[slot[base &+ e]] }
        return d
    }

    @inline(__always)
    static func load2(_ p: UnsafeMutablePointer<Double>) -> SIMD2<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD2<Double>.self)
    }

    @inline(__always)
    static func store2(_ v: SIMD2<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD2<Double>.self)
    }
}
