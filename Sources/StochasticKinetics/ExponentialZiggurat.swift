// Exp(1) draws by the ziggurat method (Marsaglia & Tsang 2000, "The Ziggurat Method for
// Generating Random Variables", J. Stat. Softw. 5(8)): one 64-bit word, a table look-up and a
// multiply in ~99 % of draws, instead of a logarithm.

/// The 256-layer exponential ziggurat. Layer i ≥ 1 is the rectangle [0, x_i] × [f(x_i), f(x_{i+1})]
/// (f(x) = e^{−x}, x_1 = r > x_2 > … > x_256 = 0), layer 0 the strip [0, r] × [0, f(r)] plus the
/// tail x > r; every layer has area v. A draw picks a layer from 8 bits and a uniform u from 53
/// other bits of the same word: z = u·x_i is accepted at once if z < x_{i+1} (inside the curve);
/// otherwise the wedge test or the tail (r + Exp(1), by memorylessness) decides. The sample is
/// exactly Exp(1) up to the 53-bit resolution of u.
@usableFromInline
struct ExponentialZiggurat: @unchecked Sendable {
    /// x_0 … x_256 (x_0 = v/f(r) is the width that makes layer 0 a rectangle of area v).
    @usableFromInline let x: UnsafeMutablePointer<Double>
    /// f(x_i) = e^{−x_i}.
    @usableFromInline let f: UnsafeMutablePointer<Double>

    /// Start of the tail for 256 layers and the common layer area (Marsaglia & Tsang 2000).
    static let r = 7.69711747013104972
    static let v = 0.003949659822581572

    /// The shared, immutable tables (built once, never freed).
    @usableFromInline static let shared = ExponentialZiggurat()

    private init() {
        x = .allocate(capacity: 257)
        f = .allocate(capacity: 257)
        let r = Self.r, v = Self.v
        x[0] = v * libmExp(r)
        x[1] = r
        for i in 1..<255 { x[i + 1] = -libmLog(v / x[i] + libmExp(-x[i])) }
        x[256] = 0
        for i in 0...256 { f[i] = libmExp(-x[i]) }
    }

    /// Exp(1) from a 64-bit word; `more` supplies further words in the rare slow path.
    @inlinable @inline(__always)
    func sample(_ bits: UInt64, _ more: () -> UInt64) -> Double {
        let i = Int(truncatingIfNeeded: bits & 0xFF)
        let z = Double(bits >> 11) * 0x1.0p-53 * x[i]
        if z < x[i + 1] { return z }
        return slowPath(layer: i, z: z, more)
    }

    /// Exp(1) from 32 bits (8 for the layer, 24 for u, offset half a step so z > 0): half a hashed
    /// word per draw for the reverse-pass noise; the slow path as in `sample`.
    @inlinable @inline(__always)
    func sample32(_ bits: UInt32, _ more: () -> UInt64) -> Double {
        let i = Int(truncatingIfNeeded: bits & 0xFF)
        let z = (Double(bits >> 8) + 0.5) * 0x1.0p-24 * x[i]
        if z < x[i + 1] { return z }
        return slowPath(layer: i, z: z, more)
    }

    /// Wedge or tail; on rejection a whole new draw from `more`.
    @usableFromInline
    func slowPath(layer: Int, z: Double, _ more: () -> UInt64) -> Double {
        var i = layer, z = z
        while true {
            if i == 0 {
                // Tail beyond r: r + Exp(1).
                return Self.r - libmLog(Double((more() >> 11) &+ 1) * 0x1.0p-53)
            }
            let y = f[i] + Double(more() >> 11) * 0x1.0p-53 * (f[i + 1] - f[i])
            if y < libmExp(-z) { return z }
            let bits = more()
            i = Int(truncatingIfNeeded: bits & 0xFF)
            z = Double(bits >> 11) * 0x1.0p-53 * x[i]
            if z < x[i + 1] { return z }
        }
    }
}
