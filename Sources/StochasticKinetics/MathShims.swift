// Thin wrappers over the C math library so the hot loops call libm directly.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Natural logarithm (libm `log`).
@usableFromInline @inline(__always)
func libmLog(_ x: Double) -> Double { log(x) }

/// Exponential (libm `exp`).
@usableFromInline @inline(__always)
func libmExp(_ x: Double) -> Double { exp(x) }

/// log(1 + x) accurate for small x (libm `log1p`).
@usableFromInline @inline(__always)
func log1p(_ x: Double) -> Double {
    #if canImport(Glibc)
    Glibc.log1p(x)
    #else
    Darwin.log1p(x)
    #endif
}
