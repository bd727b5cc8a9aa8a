// Where the simulation loop puts its events: a growable tape, a fixed tape, or a time grid.

// MARK: - Recorders

/// Receives each event of the direct-method loop (before the state changes).
protocol EventRecorder {
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeMutablePointer<Int>)
    /// Whether `record` reads `stateBefore` (loops that keep the state elsewhere skip updating it).
    static var readsState: Bool { get }
    /// Whether the loop finds each event's runner-up (`Trajectory.runnerUps`) right after the
    /// choice, from the same step's cumulative propensities, and calls `recordRunnerUp` after
    /// every `record` (only the direct method's loop does; see `DirectMethodSimulator.simulate`).
    static var recordsRunnerUps: Bool { get }
    /// The trajectory's noise key (`Trajectory.noiseKey`), which the runner-up's draw reads.
    var runnerUpKey: UInt64 { get }
    mutating func recordRunnerUp(_ other: Int)
}

extension EventRecorder {
    static var readsState: Bool { true }
    static var recordsRunnerUps: Bool { false }
    var runnerUpKey: UInt64 { 0 }
    mutating func recordRunnerUp(_ other: Int) {}
}

/// Wraps a tape recorder and keeps each event's runner-up too (`Trajectory.runnerUps`).
struct RunnerUpRecording<Base: EventRecorder>: EventRecorder {
    static var readsState: Bool { Base.readsState }
    static var recordsRunnerUps: Bool { true }
    var base: Base
    let runnerUpKey: UInt64
    var others: UnsafeMutablePointer<Int16>
    var count = 0
    var capacity: Int

    init(_ base: Base, key: UInt64, expected: Int) {
        self.base = base
        runnerUpKey = key
        capacity = max(expected, 16)
        others = .allocate(capacity: capacity)
    }

    @inline(__always)
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeMutablePointer<Int>) {
        base.record(time: time, reaction: reaction, stateBefore: stateBefore)
    }

    @inline(__always)
    mutating func recordRunnerUp(_ other: Int) {
        if count == capacity { grow() }
        others[count] = Int16(truncatingIfNeeded: other)
        count += 1
    }

    mutating func grow() {
        let bigger = UnsafeMutablePointer<Int16>.allocate(capacity: capacity * 2)
        bigger.update(from: others, count: count)
        others.deallocate()
        others = bigger
        capacity *= 2
    }

    /// The runner-ups as an array (empty unless one was kept for each of `events` events); frees the buffer.
    mutating func finish(events: Int) -> [Int16] {
        let result = count == events ? Array(UnsafeBufferPointer(start: others, count: count)) : []
        others.deallocate()
        capacity = 0
        return result
    }
}

/// Stores (time, reaction) per event in manually grown buffers: the tape.
struct EventListRecorder: EventRecorder {
    static var readsState: Bool { false }
    var times: UnsafeMutablePointer<Double>
    var reactions: UnsafeMutablePointer<Int32>
    var count = 0
    var capacity: Int

    init(expected: Int) {
        capacity = max(expected, 16)
        times = .allocate(capacity: capacity)
        reactions = .allocate(capacity: capacity)
    }

    @inline(__always)
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeMutablePointer<Int>) {
        if count == capacity { grow() }
        times[count] = time
        reactions[count] = Int32(truncatingIfNeeded: reaction)
        count += 1
    }

    mutating func grow() {
        let newCapacity = capacity * 2
        let t = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
        let r = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        t.update(from: times, count: count)
        r.update(from: reactions, count: count)
        times.deallocate(); reactions.deallocate()
        times = t; reactions = r
        capacity = newCapacity
    }

    /// Moves the events into arrays and frees the buffers.
    mutating func finish() -> (times: [Double], reactions: [Int32]) {
        let result = (Array(UnsafeBufferPointer(start: times, count: count)),
                      Array(UnsafeBufferPointer(start: reactions, count: count)))
        times.deallocate(); reactions.deallocate()
        capacity = 0
        return result
    }
}

/// Stores (time, reaction) per event into memory sized for the whole run (an event horizon's
/// maxEvents), so there is no capacity check in the loop.
struct FixedTapeRecorder: EventRecorder {
    static var readsState: Bool { false }
    let times: UnsafeMutablePointer<Double>
    let reactions: UnsafeMutablePointer<Int32>
    var count = 0

    init(times: UnsafeMutablePointer<Double>, reactions: UnsafeMutablePointer<Int32>) {
        self.times = times
        self.reactions = reactions
    }

    @inline(__always)
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeMutablePointer<Int>) {
        times[count] = time
        reactions[count] = Int32(truncatingIfNeeded: reaction)
        count += 1
    }
}

/// `FixedTapeRecorder` that also keeps each event's runner-up, into memory sized for the run.
struct FixedRunnerUpRecording: EventRecorder {
    static var readsState: Bool { false }
    static var recordsRunnerUps: Bool { true }
    var base: FixedTapeRecorder
    let runnerUpKey: UInt64
    let others: UnsafeMutablePointer<Int16>

    init(_ base: FixedTapeRecorder, key: UInt64, others: UnsafeMutablePointer<Int16>) {
        self.base = base
        runnerUpKey = key
        self.others = others
    }

    @inline(__always)
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeMutablePointer<Int>) {
        base.record(time: time, reaction: reaction, stateBefore: stateBefore)
    }

    /// Called right after `record`, so the event is `base.count − 1`.
    @inline(__always)
    mutating func recordRunnerUp(_ other: Int) {
        others[base.count &- 1] = Int16(truncatingIfNeeded: other)
    }
}

/// Writes the state holding at each grid time.
struct GridRecorder: EventRecorder {
    let grid: [Double]
    let species: Int
    var values: [Int]
    var next = 0
    init(grid: [Double], species: Int) {
        self.grid = grid
        self.species = species
        values = [Int](repeating: 0, count: grid.count * species)
    }
    @inline(__always)
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeMutablePointer<Int>) {
        while next < grid.count && grid[next] < time {
            for s in 0..<species { values[next * species + s] = stateBefore[s] }
            next += 1
        }
    }
    mutating func finish(state: [Int]) {
        while next < grid.count {
            for s in 0..<species { values[next * species + s] = state[s] }
            next += 1
        }
    }
}
