// Adjoints ∂L/∂(event times) and ∂L/∂(states) that a loss writes for the reverse pass.

/// The sensitivity of a loss to one trajectory: `times[n-1]` = ∂L/∂τ_n for events n = 1…N and
/// `states[n·S + s]` = ∂L/∂x_n[s] for segments n = 0…N (x treated as continuous, as the
/// straight-through relaxation does). Start with `init(for:speciesCount:)` (all zero) and add
/// contributions; the helpers below cover linear observables and dwell durations.
public struct TrajectoryAdjoint: Sendable {
    /// ∂L/∂τ_n, one per event.
    public var times: [Double]
    /// ∂L/∂x_n, flat [(N+1) × S].
    public var states: [Double]
    /// S.
    public let speciesCount: Int
    /// Events at which the reverse pass stops carrying the state adjoint (empty: none) —
    /// "truncation at observed-level boundaries" (ARCHITECTURE.md §3): a choice sees the loss
    /// only through states up to the next barrier. `barriers[n-1]` belongs to event n.
    public var barriers: [Bool] = []

    /// A zero adjoint shaped for `trajectory`.
    public init(for trajectory: Trajectory, speciesCount: Int) {
        times = [Double](repeating: 0, count: trajectory.eventCount)
        states = [Double](repeating: 0, count: (trajectory.eventCount + 1) * speciesCount)
        self.speciesCount = speciesCount
    }

    /// Marks event n (1…N) as a barrier for the carried state adjoint.
    public mutating func cutStateAdjoint(atEvent n: Int) {
        guard n >= 1, n <= times.count else { return }
        if barriers.isEmpty { barriers = [Bool](repeating: false, count: times.count) }
        barriers[n - 1] = true
    }

    /// Adds `weight` · ∂o/∂x_n = weight · w to the state adjoint of segment n.
    public mutating func addObservable(_ observable: Observable, segment n: Int, weight: Double) {
        guard weight != 0 else { return }
        let base = n * speciesCount
        for s in 0..<min(speciesCount, observable.weights.count) { states[base + s] += weight * observable.weights[s] }
    }

    /// Adds ∂L/∂(duration of segments first…last) = `weight`: the duration τ_{last+1} − τ_first
    /// moves with its end event (+weight) and its start event (−weight). The start time 0 and a
    /// fixed horizon end are constants and receive nothing.
    public mutating func addDuration(firstSegment first: Int, lastSegment last: Int, weight: Double) {
        guard weight != 0 else { return }
        if first >= 1 { times[first - 1] -= weight }
        if last < times.count { times[last] += weight }
    }
}
