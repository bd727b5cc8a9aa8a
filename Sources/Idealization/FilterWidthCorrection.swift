import Foundation

/// Half-amplitude durations of brief events corrected for the Gaussian filter.
///
/// A rectangular event of true duration d, filtered by a Gaussian filter whose step response
/// is Φ(t/σ) (σ = 0.1325/f_c, `GaussianFilter.sigma`), crosses half its amplitude for a width w with
/// Φ((d + w)/2σ) − Φ((w − d)/2σ) = ½ (Colquhoun & Sigworth 1995): w → d for long events, and
/// w = 0 at d = 1.349σ = 0.179/f_c, the dead time of the half-amplitude rule. Brief events are
/// therefore measured too short, and a resolution imposed on measured widths loses some that
/// last longer than it — missed-event fits then see too few brief intervals. Inverting the
/// relation restores d, which is exact for an isolated event (neighbours long compared with the
/// filter's response), the case this correction is applied to.
public enum FilterWidthCorrection {
    /// Widths at or above this many σ are left alone (the correction there is below 1e-5 σ).
    static let briefLimit = 5.0
    /// Neighbours at least this many σ long count as long: a transition 2.5σ away moves the
    /// record at the crossing by < 1 % of the amplitude.
    static let isolation = 2.5

    /// The true duration of an isolated rectangular event whose half-amplitude width is `w`
    /// (both in units of σ); `w` ≥ 0.
    public static func trueDuration(halfAmplitudeWidth w: Double) -> Double {
        // Φ(v + u) − Φ(v − u) = ½ with u = d/2, v = w/2: increasing in u, and at u = v it is
        // Φ(w) − ½ < ½, so the root lies above v; bisection to rounding.
        let v = 0.5 * w
        func excess(_ u: Double) -> Double { normalCDF(v + u) - normalCDF(v - u) - 0.5 }
        var lo = v, hi = v + 1
        while excess(hi) < 0 { hi += 1 }
        for _ in 0..<60 {
            let mid = 0.5 * (lo + hi)
            if excess(mid) < 0 { lo = mid } else { hi = mid }
        }
        return lo + hi
    }

    /// Moves the boundaries of brief isolated runs outward to their corrected duration.
    /// - Parameters:
    ///   - boundaries: run boundaries of one segment in samples (runs i = boundaries[i]…[i+1]),
    ///     updated in place.
    ///   - values: each run's level; a run is corrected when both neighbours have the same level.
    ///   - interpolated: whether each boundary was timed at a half-amplitude crossing.
    ///   - sigmaInSamples: the filter's σ over the sample interval.
    static func correct(boundaries: inout [Double], values: [UInt8], interpolated: [Bool], sigmaInSamples sigma: Double) {
        let runs = values.count
        guard runs >= 3, sigma > 0 else { return }
        let measured = (0..<runs).map { (boundaries[$0 + 1] - boundaries[$0]) / sigma }
        for i in 1..<(runs - 1) where values[i - 1] == values[i + 1] && interpolated[i] && interpolated[i + 1] {
            // Only a brief run between two long ones: the relation holds for an isolated event.
            guard measured[i] < briefLimit, measured[i - 1] >= isolation, measured[i + 1] >= isolation else { continue }
            let grow = 0.5 * (trueDuration(halfAmplitudeWidth: measured[i]) - measured[i]) * sigma
            boundaries[i] -= grow
            boundaries[i + 1] += grow
        }
    }

    static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
}
