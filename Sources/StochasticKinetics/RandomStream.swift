// Seedable random streams for the SSA: xoshiro256** (Blackman & Vigna 2018) seeded through
// SplitMix64 from (seed, stream index), plus a stateless counter-based generator used for the
// per-step noise of the reverse pass.

// MARK: - SplitMix64

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit mixing generator. Used only to expand a
/// (seed, stream) pair into xoshiro state and as the finaliser of `CounterNoise`.
public struct SplitMix64: Sendable {
    /// The generator state; advances by the golden-ratio increment on every draw.
    public var state: UInt64

    /// Creates a generator whose first output depends on every bit of `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64-bit output.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function (a bijective avalanche mix of one word).
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: - RandomStream

/// A xoshiro256** stream. Trajectory `i` of an ensemble seeded with `s` uses
/// `RandomStream(seed: s, stream: i)`, so every result is a function of (seed, index) alone and
/// never of the thread that computed it.
///
/// All floating-point draws use the top 53 bits. `uniformPositive()` lies in (0, 1] and is never
/// exactly 0, so `-log(u)` is always finite (a waiting time drawn from U = 0 would freeze a
/// trajectory at a0·∞).
public struct RandomStream: Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Creates the stream `stream` of the family `seed`. Distinct pairs give unrelated streams
    /// (the pair is hashed through SplitMix64; the state is never all zero).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var mixer = SplitMix64(seed: SplitMix64.mix(seed ^ 0x6A09_E667_F3BC_C908) ^ SplitMix64.mix(stream &+ 0xBB67_AE85_84CA_A73B))
        s0 = mixer.next(); s1 = mixer.next(); s2 = mixer.next(); s3 = mixer.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) <<< 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 <<< 45
        return result
    }

    /// A uniform draw in (0, 1] with 53-bit resolution; never 0.
    @inlinable
    public mutating func uniformPositive() -> Double {
        Double((next() >> 11) &+ 1) * 0x1.0p-53
    }

    /// A uniform draw in [0, 1) with 53-bit resolution.
    @inlinable
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// An Exp(1) draw, `-log(u)` with u in (0, 1]; finite and ≥ 0 (0 only when u = 1).
    @inlinable
    public mutating func exponential() -> Double {
        -libmLog(uniformPositive())
    }

    /// An Exp(1) draw by the ziggurat (one 64-bit word in ~99 % of draws, no logarithm): the
    /// same law as `exponential()`, a different stream of values.
    @inlinable
    public mutating func exponentialZiggurat() -> Double {
        exponential(ExponentialZiggurat.shared)
    }

    /// `exponentialZiggurat()` with the tables passed in (hot loops hoist the shared tables).
    @inlinable @inline(__always)
    mutating func exponential(_ zig: ExponentialZiggurat) -> Double {
        let bits = next()
        return zig.sample(bits) { self.next() }
    }

    /// A standard Gumbel draw `-log(E)`, E ~ Exp(1); E = 0 is replaced by the smallest positive
    /// exponential draw (2⁻⁵³) so the result is always finite.
    @inlinable
    public mutating func gumbel() -> Double {
        let e = exponential()
        return -libmLog(e > 0 ? e : 0x1.0p-53)
    }
}

// MARK: - CounterNoise

/// Stateless, counter-based uniforms: `uniformPositive(key:counter:)` is a pure function of its
/// arguments. The reverse pass uses it to regenerate the Gumbel noise of step n in any order,
/// so the tape needs no stored noise: its position is (trajectory key, step, reaction).
public enum CounterNoise {
    /// A uniform in (0, 1] that depends on every bit of `key` and `counter`.
    @inlinable
    public static func uniformPositive(key: UInt64, counter: UInt64) -> Double {
        Double((word(key: key, counter: counter) >> 11) &+ 1) * 0x1.0p-53
    }

    /// An Exp(1) draw that is a pure function of (key, counter) (ziggurat on the mixed word;
    /// its rare slow path continues with a SplitMix64 stream seeded by that word).
    @inlinable
    public static func exponential(key: UInt64, counter: UInt64) -> Double {
        exponential(key: key, counter: counter, ExponentialZiggurat.shared)
    }

    /// `exponential(key:counter:)` with the ziggurat tables passed in.
    @inlinable @inline(__always)
    static func exponential(key: UInt64, counter: UInt64, _ zig: ExponentialZiggurat) -> Double {
        let bits = word(key: key, counter: counter)
        var more = SplitMix64(seed: bits)
        return zig.sample(bits) { more.next() }
    }

    /// The mixed 64-bit word behind draw (key, counter).
    @inlinable @inline(__always)
    static func word(key: UInt64, counter: UInt64) -> UInt64 {
        SplitMix64.mix(SplitMix64.mix(key &+ counter &* 0x9E37_79B9_7F4A_7C15) ^ counter)
    }
}

// MARK: - Helpers

infix operator <<< : BitwiseShiftPrecedence

@usableFromInline @inline(__always)
func <<< (value: UInt64, amount: UInt64) -> UInt64 {
    (value << amount) | (value >> (64 &- amount))
}
