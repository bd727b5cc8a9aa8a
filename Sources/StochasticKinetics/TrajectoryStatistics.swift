// Differentiable statistics of one trajectory: values, their adjoints onto times and states.

/// A maximal run of segments on which an observable keeps one value (a dwell in a level,
/// e.g. an opening of `level` channels).
public struct ObservableDwell: Sendable, Hashable {
    /// The observable's value during the dwell.
    public var level: Double
    /// First and last segment of the run (segments 0…N as in `Trajectory`).
    public var firstSegment: Int
    public var lastSegment: Int
    /// Duration (end of the last segment − start of the first).
    public var duration: Double
    /// True if the dwell touches the start of the trajectory or its end: its true duration is
    /// unknown (censored), so duration statistics normally skip it.
    public var censored: Bool
}

/// Statistics of a trajectory under a linear observable, each with the matching adjoint
/// accumulator: given dL/d(statistic) it adds the statistic's sensitivities to a
/// `TrajectoryAdjoint`. `series` is `trajectory.observableSeries(observable, network:)`.
public enum TrajectoryStatistics {
    // MARK: - Time averages

    /// (1/(t1−t0))·∫_{t0}^{t1} o(t) dt, the window clipped to [0, endTime]. An empty window gives 0.
    public static func timeAverage(_ trajectory: Trajectory, series: [Double], from t0: Double, to t1: Double) -> Double {
        let lo = max(t0, 0), hi = min(t1, trajectory.endTime)
        guard hi > lo else { return 0 }
        var integral = 0.0
        forEachOverlap(trajectory, lo, hi) { n, d in integral += series[n] * d }
        return integral / (hi - lo)
    }

    /// Adds `weight`·∂(timeAverage)/∂(times, states). An event time τ_n inside the window moves
    /// the boundary between segments n−1 and n: ∂/∂τ_n = (o_{n−1} − o_n)/(t1−t0); each segment's
    /// state gets (clipped duration)/(t1−t0)·w.
    public static func addTimeAverageAdjoint(_ trajectory: Trajectory, series: [Double], observable: Observable,
                                             from t0: Double, to t1: Double, weight: Double,
                                             into adjoint: inout TrajectoryAdjoint) {
        let lo = max(t0, 0), hi = min(t1, trajectory.endTime)
        guard hi > lo, weight != 0 else { return }
        let scale = weight / (hi - lo)
        let n = trajectory.eventCount, sCount = adjoint.speciesCount, width = adjoint.storedSpecies.count
        // Only the species the observable reads (a gating observable touches one or two), by
        // their columns in the adjoint.
        let weighted = observable.weights.indices.filter { $0 < sCount && observable.weights[$0] != 0 }
        let columns = weighted.compactMap { adjoint.column(of: $0) }
        guard series.count == n + 1, adjoint.times.count == n, adjoint.states.count == (n + 1) * width,
              columns.count == weighted.count else {
            // Mismatched shapes: the general path (bounds-checked) reports the misuse.
            forEachOverlap(trajectory, lo, hi) { n, d in
                adjoint.addObservable(observable, segment: n, weight: scale * d)
                if n >= 1 && trajectory.eventTimes[n - 1] > lo { adjoint.times[n - 1] += scale * (series[n - 1] - series[n]) }
            }
            return
        }
        let w = weighted.map { observable.weights[$0] }
        let first = firstSegment(after: lo, in: trajectory)
        // Move the arrays out so that both can be written through raw buffers (no copy: the
        // adjoint's references are released first, so the locals are unique).
        var states = adjoint.states, times = adjoint.times
        adjoint.states = []; adjoint.times = []
        let single = columns.count == 1, s0 = columns.first ?? 0, w0 = w.first ?? 0
        states.withUnsafeMutableBufferPointer { st in
        times.withUnsafeMutableBufferPointer { tm in
        trajectory.eventTimes.withUnsafeBufferPointer { ev in
        series.withUnsafeBufferPointer { o in
        columns.withUnsafeBufferPointer { species in
        w.withUnsafeBufferPointer { speciesWeight in
            var seg = first
            while seg <= n {
                // Segments strictly inside the window (both ends events in (lo, hi)): clipping
                // and the checks below change nothing there, so they run without them.
                if single && seg >= 1 && ev[seg - 1] > lo {
                    while seg < n && ev[seg] < hi {
                        let d = ev[seg] - ev[seg - 1]
                        if d > 0 {
                            st[seg * width + s0] += scale * d * w0
                            tm[seg - 1] += scale * (o[seg - 1] - o[seg])
                        }
                        seg += 1
                    }
                }
                let start = max(seg == 0 ? 0 : ev[seg - 1], lo), end = min(seg == n ? trajectory.endTime : ev[seg], hi)
                if start >= hi { break }
                if end > start {
                    let base = seg * width, ws = scale * (end - start)
                    // One weighted species (a gating observable's open state) without the inner loop.
                    if single {
                        st[base + s0] += ws * w0
                    } else {
                        for i in 0..<species.count { st[base + species[i]] += ws * speciesWeight[i] }
                    }
                    if seg >= 1 && ev[seg - 1] > lo { tm[seg - 1] += scale * (o[seg - 1] - o[seg]) }
                }
                seg += 1
            }
        }}}}}}
        adjoint.states = states; adjoint.times = times
    }

    /// The first segment containing time `lo` (binary search over event times).
    static func firstSegment(after lo: Double, in trajectory: Trajectory) -> Int {
        var first = 0, high = trajectory.eventCount
        while first < high {
            let mid = (first + high) / 2
            if trajectory.eventTimes[mid] <= lo { first = mid + 1 } else { high = mid }
        }
        return first
    }

    /// Calls body(segment, clipped duration) for segments overlapping [lo, hi].
    static func forEachOverlap(_ trajectory: Trajectory, _ lo: Double, _ hi: Double, _ body: (Int, Double) -> Void) {
        var n = firstSegment(after: lo, in: trajectory)
        while n <= trajectory.eventCount {
            let start = max(trajectory.segmentStart(n), lo), end = min(trajectory.segmentEnd(n), hi)
            if start >= hi { break }
            if end > start { body(n, end - start) }
            n += 1
        }
    }

    // MARK: - Values on a grid

    /// o(x(t_g)) for each grid time (state holding at t_g; times beyond endTime use the final state).
    public static func gridValues(_ trajectory: Trajectory, series: [Double], grid: [Double]) -> [Double] {
        grid.map { series[segment(containing: $0, in: trajectory)] }
    }

    /// Adds weights[g]·w to the state adjoint of the segment holding at grid time g. A grid value
    /// is piecewise constant in the event times, so it feeds the state path only.
    public static func addGridValueAdjoint(_ trajectory: Trajectory, observable: Observable, grid: [Double],
                                           weights: [Double], into adjoint: inout TrajectoryAdjoint) {
        for (g, t) in grid.enumerated() where g < weights.count {
            adjoint.addObservable(observable, segment: segment(containing: t, in: trajectory), weight: weights[g])
        }
    }

    /// The segment n with τ_n ≤ t < τ_{n+1}.
    public static func segment(containing t: Double, in trajectory: Trajectory) -> Int {
        var lo = 0, hi = trajectory.eventCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if trajectory.eventTimes[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    // MARK: - Dwells

    /// Maximal runs of constant observable value, in time order. Events that leave the
    /// observable unchanged (e.g. C1→C2 for an open-channel count) extend the current dwell.
    public static func dwells(_ trajectory: Trajectory, series: [Double]) -> [ObservableDwell] {
        var result: [ObservableDwell] = []
        var first = 0
        let last = trajectory.eventCount
        for n in stride(from: 1, through: last, by: 1) where series[n] != series[first] {
            result.append(ObservableDwell(level: series[first], firstSegment: first, lastSegment: n - 1,
                                duration: trajectory.segmentEnd(n - 1) - trajectory.segmentStart(first),
                                censored: first == 0))
            first = n
        }
        result.append(ObservableDwell(level: series[first], firstSegment: first, lastSegment: last,
                            duration: trajectory.endTime - trajectory.segmentStart(first), censored: true))
        return result
    }
}
