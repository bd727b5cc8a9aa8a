import CFFTW
import Foundation

/// A process-wide cache of FFTW real-to-complex and complex-to-real plans, keyed by length.
///
/// FFTW's planner is not thread-safe, so every planning call happens under one lock; executing
/// a plan is thread-safe, and callers execute cached plans on their own buffers through the
/// new-array interface (`fftw_execute_dft_r2c` / `fftw_execute_dft_c2r`). Plans are made with
/// `FFTW_ESTIMATE` (no timing runs), so results do not depend on the machine's load.
/// Buffers passed to a plan must come from `FFTBuffer` (fftw_malloc), which guarantees the
/// alignment the plan was made for. Plans live for the life of the process.
public final class FFTPlanCache: @unchecked Sendable {
    /// The shared cache. All planning in PatchFit goes through it.
    public static let shared = FFTPlanCache()

    // The lock guards `forward`, `inverse` and every call into FFTW's planner.
    private let lock = NSLock()
    private var forward: [Int: fftw_plan] = [:]
    private var inverse: [Int: fftw_plan] = [:]

    private init() {}

    /// The r2c plan for `n` real inputs (n/2+1 complex outputs).
    func forwardPlan(_ n: Int) -> fftw_plan {
        lock.lock(); defer { lock.unlock() }
        if let p = forward[n] { return p }
        let input = fftw_alloc_real(n)!, output = fftw_alloc_complex(n / 2 + 1)!
        defer { fftw_free(input); fftw_free(output) }
        let p = fftw_plan_dft_r2c_1d(Int32(n), input, output, pf_FFTW_ESTIMATE())!
        forward[n] = p
        return p
    }

    /// The c2r plan for `n` real outputs (destroys its complex input, FFTW's default for c2r).
    func inversePlan(_ n: Int) -> fftw_plan {
        lock.lock(); defer { lock.unlock() }
        if let p = inverse[n] { return p }
        let input = fftw_alloc_complex(n / 2 + 1)!, output = fftw_alloc_real(n)!
        defer { fftw_free(input); fftw_free(output) }
        let p = fftw_plan_dft_c2r_1d(Int32(n), input, output, pf_FFTW_ESTIMATE())!
        inverse[n] = p
        return p
    }

    /// An FFT length ≥ `n` whose only prime factors are 2, 3 and 5 (fast for FFTW).
    public static func goodLength(atLeast n: Int) -> Int {
        var m = max(n, 1)
        while true {
            var r = m
            for p in [2, 3, 5] { while r % p == 0 { r /= p } }
            if r == 1 { return m }
            m += 1
        }
    }
}

/// A pair of FFTW-aligned buffers for one transform length: `n` reals and `n/2+1` complex
/// bins. One buffer per thread; not shareable across threads while in use.
public final class FFTBuffer {
    /// Transform length.
    public let n: Int
    /// Real samples (time domain), `n` of them.
    public let real: UnsafeMutablePointer<Double>
    /// Complex bins (frequency domain), `n/2+1` of them, as (re, im) pairs.
    public let spectrum: UnsafeMutablePointer<fftw_complex>
    private let forward: fftw_plan
    private let inverse: fftw_plan

    /// Allocates buffers and fetches (or makes) the plans for length `n` (n ≥ 1).
    public init(length n: Int) {
        self.n = n
        real = fftw_alloc_real(n)!
        spectrum = fftw_alloc_complex(n / 2 + 1)!
        forward = FFTPlanCache.shared.forwardPlan(n)
        inverse = FFTPlanCache.shared.inversePlan(n)
    }

    deinit { fftw_free(real); fftw_free(spectrum) }

    /// Number of complex bins.
    public var binCount: Int { n / 2 + 1 }

    /// `spectrum` ← DFT(`real`) (unnormalised).
    public func forwardTransform() { fftw_execute_dft_r2c(forward, real, spectrum) }

    /// `real` ← inverse DFT(`spectrum`) (unnormalised: scaled by n); destroys `spectrum`.
    public func inverseTransform() { fftw_execute_dft_c2r(inverse, spectrum, real) }
}
