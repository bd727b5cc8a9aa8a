// Adjoints ∂L/∂(event times) and ∂L/∂(states) that a loss writes for the reverse pass.

/// The sensitivity of a loss to one trajectory: `times[n-1]` = ∂L/∂τ_n for events n = 1…N and
/// the state adjoint ∂L/∂x_n of segments n = 0…N (x treated as continuous, as the
/// straight-through relaxation does) for the species in `storedSpecies`:
/// `states[n·C + c]` = ∂L/∂x_n[storedSpecies[c]], C = `storedSpecies.count`. By default every
/// species is stored (`states[n·S + s]`); a loss that reads a few species (a time average of one
/// species, a channel's open states) stores only those — `init(for:speciesCount:observing:)` —
/// and the loss adjoint and the reverse pass then touch 8·C bytes per event instead of 8·S.
/// Start with a zero adjoint and add contributions; the helpers below cover linear observables
/// and dwell durations.
public struct TrajectoryAdjoint: Sendable {
    /// ∂L/∂τ_n, one per event.
    public var times: [Double]
    /// ∂L/∂x_n of the stored species, flat [(N+1) × C].
    public var states: [Double]
    /// S.
    public let speciesCount: Int
    /// The species whose state adjoint is stored, ascending (C of them).
    public let storedSpecies: [Int]
    /// Per species its column in `states`, −1 when not stored.
    let columnOfSpecies: [Int]
    /// Events at which the reverse pass stops carrying the state adjoint (empty: none) —
    /// "truncation at observed-level boundaries" (ARCHITECTURE.md §3): a choice sees the loss
    /// only through states up to the next barrier. `barriers[n-1]` belongs to event n.
    public var barriers: [Bool] = []

    /// A zero adjoint shaped for `trajectory`, storing every species.
    public init(for trajectory: Trajectory, speciesCount: Int) {
        self.init(trajectory, speciesCount: speciesCount, stored: Array(0..<max(speciesCount, 0)))
    }

    /// A zero adjoint storing only the species that some observable reads (a nonzero weight):
    /// what a loss built from these observables (time averages, grid values, dwells) needs.
    public init(for trajectory: Trajectory, speciesCount: Int, observing observables: [Observable]) {
        let stored = (0..<max(speciesCount, 0)).filter { s in
            observables.contains { s < $0.weights.count && $0.weights[s] != 0 }
        }
        self.init(trajectory, speciesCount: speciesCount, stored: stored)
    }

    private init(_ trajectory: Trajectory, speciesCount: Int, stored: [Int]) {
        times = [Double](repeating: 0, count: trajectory.eventCount)
        states = [Double](repeating: 0, count: (trajectory.eventCount + 1) * stored.count)
        self.speciesCount = speciesCount
        storedSpecies = stored
        var column = [Int](repeating: -1, count: max(speciesCount, 0))
        for (c, s) in stored.enumerated() { column[s] = c }
        columnOfSpecies = column
    }

    /// The column of species s in `states` (nil when it is not stored).
    public func column(of s: Int) -> Int? {
        s >= 0 && s < columnOfSpecies.count && columnOfSpecies[s] >= 0 ? columnOfSpecies[s] : nil
    }

    /// Marks event n (1…N) as a barrier for the carried state adjoint.
    public mutating func cutStateAdjoint(atEvent n: Int) {
        guard n >= 1, n <= times.count else { return }
        if barriers.isEmpty { barriers = [Bool](repeating: false, count: times.count) }
        barriers[n - 1] = true
    }

    /// Adds `weight` · ∂o/∂x_n = weight · w to the state adjoint of segment n.
    /// The observable must read only stored species (a programming error otherwise).
    public mutating func addObservable(_ observable: Observable, segment n: Int, weight: Double) {
        guard weight != 0 else { return }
        let base = n * storedSpecies.count
        for s in 0..<min(speciesCount, observable.weights.count) where observable.weights[s] != 0 {
            guard let c = column(of: s) else {
                preconditionFailure("TrajectoryAdjoint: the observable reads species \(s), whose adjoint is not stored")
            }
            states[base + c] += weight * observable.weights[s]
        }
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

/// The loss's direct state adjoint as the reverse loops read it: the stored columns of a
/// `TrajectoryAdjoint` (C of S species) on raw buffers.
struct StoredStateAdjoint {
    /// nil only when nothing is stored (width 0).
    let values: UnsafePointer<Double>?
    let species: UnsafePointer<Int>?
    let width: Int

    /// x[s] += ∂L/∂x_n[s] over the stored species.
    @inline(__always)
    func add(segment n: Int, to x: UnsafeMutablePointer<Double>) {
        guard let values, let species else { return }
        let base = n &* width
        for c in 0..<width { x[species[c]] += values[base &+ c] }
    }

    /// x[s] = ∂L/∂x_n[s] over the stored species (the other entries are left as they are).
    @inline(__always)
    func copy(segment n: Int, to x: UnsafeMutablePointer<Double>) {
        guard let values, let species else { return }
        let base = n &* width
        for c in 0..<width { x[species[c]] = values[base &+ c] }
    }

    /// Σ_s w[s]·∂L/∂x_n[s].
    @inline(__always)
    func dot(segment n: Int, _ w: UnsafePointer<Double>) -> Double {
        guard let values, let species else { return 0 }
        let base = n &* width
        var d = 0.0
        for c in 0..<width { d += w[species[c]] * values[base &+ c] }
        return d
    }

    /// Σ_s (w[s] − v[s])·∂L/∂x_n[s], in one pass.
    @inline(__always)
    func dot(segment n: Int, _ w: UnsafePointer<Double>, minus v: UnsafePointer<Double>) -> Double {
        guard let values, let species else { return 0 }
        let base = n &* width
        var d = 0.0
        for c in 0..<width { d += (w[species[c]] - v[species[c]]) * values[base &+ c] }
        return d
    }
}

/// Random access by species to a `StoredStateAdjoint` without a branch on whether the species
/// is stored: per species a base pointer and a stride, an unstored one reading a single zero
/// with stride 0. (The chain loop reads two targets' adjoints per event; a copy into a dense
/// vector put a store-to-load forward on its critical path.)
struct StoredStateAdjointReader {
    private let base: UnsafeMutablePointer<UnsafePointer<Double>>
    private let stride: UnsafeMutablePointer<Int>
    private let zero: UnsafeMutablePointer<Double>

    init(_ stored: StoredStateAdjoint, speciesCount: Int) {
        let count = max(speciesCount, 1)
        zero = .allocate(capacity: 1)
        zero.initialize(to: 0)
        base = .allocate(capacity: count)
        base.initialize(repeating: UnsafePointer(zero), count: count)
        stride = .allocate(capacity: count)
        stride.initialize(repeating: 0, count: count)
        if let values = stored.values, let species = stored.species {
            for c in 0..<stored.width {
                base[species[c]] = values + c
                stride[species[c]] = stored.width
            }
        }
    }

    /// ∂L/∂x_n[s] (0 for a species that is not stored).
    @inline(__always)
    func value(segment n: Int, species s: Int) -> Double { base[s][n &* stride[s]] }

    func deallocate() { base.deallocate(); stride.deallocate(); zero.deallocate() }
}
