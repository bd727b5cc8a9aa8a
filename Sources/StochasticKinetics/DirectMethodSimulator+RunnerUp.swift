// The runner-up of each event's race, found by the forward pass for the reverse pass.

extension DirectMethodSimulator {
    /// The runner-up that `RunnerUpNoise` selects at this event: the first j ≠ r whose cumulative
    /// propensity, r left out, exceeds U·(a0 − a_r), U the event's selection uniform; −1 when no
    /// other reaction can fire. Read off the step's cumulative sums `prefix` (prefix[m − 1] = a0)
    /// by a search without branches on the data, so it costs the forward a few
    /// nanoseconds, where the reverse pass would have had to re-derive every propensity to find
    /// it. (Its sums run in another order than `RunnerUpNoise.select`'s pairs, so the two can
    /// differ only where the target lies within rounding of a boundary.)
    @_transparent
    static func runnerUp(chosen r: Int, a: UnsafePointer<Double>, sums: UnsafePointer<Double>, count m: Int,
                         key: UInt64) -> Int {
        // sums[0] = 0, sums[j + 1] = a_0 + … + a_j (the forward's a0 sum), +∞ from m + 1 on.
        let prefix = sums + 1
        let ar = a[r], race = prefix[m &- 1] - ar
        guard race > 0 else { return runnerUpOfATinyRace(chosen: r, a: a, count: m, key: key) }
        // Below r the sums without r are the prefix sums; from r on they are the prefix sums
        // less a_r, so a target at or past a_r's start moves up by a_r. (Rounding is monotone:
        // fl(t + a_r) ≥ fl(before + a_r) = prefix[r], so the search cannot stop at r.)
        let t = RunnerUpNoise.selectionUniform(key: key, reactionCount: m) * race
        let before = sums[r]
        let target = t < before ? t : t + ar
        // The first j with prefix[j] > target, by a search over a power-of-two width (the sums
        // past m are +∞) whose steps depend on m alone: quarters where it can (three compares
        // that do not wait on each other; 4.4 ns per event on the oscillator against 6.2 for
        // four halvings), written out for each width up to 32. Each step adds by masks and
        // counts from comparisons of doubles, which the compiler keeps free of branches, like
        // the select above; masks made from a sign bit, or steps in a loop of their own, it
        // turned back into branches that mispredict.
        var base = 0
        switch searchWidth(m) {
        case 1: break
        case 2: base = halvingStep(0, prefix, target, 1)
        case 4: base = quarterStep(0, prefix, target, 1)
        case 8: base = quarterStep(halvingStep(0, prefix, target, 4), prefix, target, 1)
        case 16: base = quarterStep(quarterStep(0, prefix, target, 4), prefix, target, 1)
        case 32: base = quarterStep(quarterStep(halvingStep(0, prefix, target, 16), prefix, target, 4), prefix, target, 1)
        case let width:
            var half = width &>> 1
            while half > 0 { base = halvingStep(base, prefix, target, half); half &>>= 1 }
        }
        // Some sum exceeds the target unless it reached a0 by rounding (then the last competitor).
        if target < prefix[m &- 1] { return base }
        return RunnerUpNoise.lastCompetitor(a: a, count: m, chosen: r)
    }

    /// One halving step of `runnerUp`: base + half when prefix[base + half − 1] ≤ target.
    @inline(__always)
    static func halvingStep(_ base: Int, _ prefix: UnsafePointer<Double>, _ target: Double, _ half: Int) -> Int {
        base &+ (half & (0 &- Int(truncatingIfNeeded: (prefix[base &+ half &- 1] <= target ? 1 : 0) as UInt8)))
    }

    /// Two halving steps at once: base + quarter·(how many of prefix[base + k·quarter − 1],
    /// k = 1, 2, 3, are ≤ target). The three compares do not wait on each other.
    @inline(__always)
    static func quarterStep(_ base: Int, _ prefix: UnsafePointer<Double>, _ target: Double, _ quarter: Int) -> Int {
        let p = prefix + (base &- 1)
        let count = Int(truncatingIfNeeded: (p[quarter] <= target ? 1 : 0) as UInt8)
            &+ Int(truncatingIfNeeded: (p[quarter &* 2] <= target ? 1 : 0) as UInt8)
            &+ Int(truncatingIfNeeded: (p[quarter &* 3] <= target ? 1 : 0) as UInt8)
        return base &+ quarter &* count
    }

    /// The width of the search in `runnerUp`: m rounded up to a power of two.
    @inline(__always)
    static func searchWidth(_ m: Int) -> Int { m <= 1 ? 1 : 1 << (Int.bitWidth - (m - 1).leadingZeroBitCount) }

    /// a0 − a_r rounded to 0: no other reaction can fire, or the others' total is below a_r's
    /// rounding; then their exact sum is the race, and `RunnerUpNoise` selects as the reverse
    /// pass would.
    @inline(never)
    static func runnerUpOfATinyRace(chosen r: Int, a: UnsafePointer<Double>, count m: Int, key: UInt64) -> Int {
        var race = 0.0
        for j in 0..<m where j != r { race += a[j] }
        guard race > 0 else { return -1 }
        return RunnerUpNoise(key: key, a: a, count: m, chosen: r, race: race).other
    }
}
