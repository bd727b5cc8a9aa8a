// Where the simulation loop puts its events: a growable tape, a fixed tape, or a time grid.

// MARK: - Recorders

/// Receives each event of the direct-method loop (before the state changes).
protocol EventRecorder {
    mutating func record(time: Double, reaction: Int, stateBefore: UnsafeMutablePointer<Int>)
    /// Whether `record` reads `stateBefore` (loops that keep the state elsewhere skip updating it).
    static var readsState: Bool { get }
}

extension EventRecorder {
    static var readsState: Bool { true }
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
