// The mass-action reverse pass with the runner-up relaxation: O(changed reactions) per event.

extension StraightThroughGradient {
    /// `massActionSteps` for `ChoiceRelaxation.runnerUp`. With only the chosen reaction c and the
    /// runner-up o in the softmax, ā is zero except at c and o, so beyond the event's own changes
    /// a step needs no pass over all reactions:
    /// - a0 and ∂a0/∂x (the waiting-time term's state part, T·∂a0/∂x) are updated by the
    ///   differences of the re-evaluated propensities (re-summed every 128 events, so rounding
    ///   cannot drift, and after any event that cuts a0 by more than 2¹⁰, whose difference kept
    ///   only the larger value's precision);
    /// - the waiting-time θ̄ part T·a_j is summed lazily: a_j·(ΣT since a_j last changed), added
    ///   when a_j changes and once at the end;
    /// - what re-evaluating a dependent reads (rate, factor slots, offset) sits in one record per
    ///   dependent entry, so the loop holds few base pointers and spills none;
    /// - (∂a/∂x)ᵀā adds four derivative terms (two factors of c and of o) to T·∂a0/∂x.
    /// What remains per event is the runner-up's selection (a scan over the a_j) and x̄′ of S
    /// species. A step with x̄′ = 0 costs the same as any other (its Δ = 0 gives ā = 0).
    /// The choice's θ̄ parts go to `scratch.choice`, the waiting-time parts to `scratch.timeSum`.
    func runnerUpSteps<Flags: ChainReverseMode>(_ flags: Flags.Type, _ tables: MassActionAdjointTables,
                                                _ scratch: MassActionScratch, x: UnsafeMutablePointer<Int>,
                                                key0: UInt64, barriers: UnsafeBufferPointer<Bool>,
                                                times: UnsafeBufferPointer<Double>, reactions: UnsafeBufferPointer<Int32>,
                                                tAdj: UnsafeBufferPointer<Double>, xAdj: StoredStateAdjoint,
                                                k: UnsafePointer<Double>) {
        let m = tables.reactionCount, sCount = tables.speciesCount, n = times.count
        let carries = options.truncation != 0, untruncated = Flags.untruncated
        let power = SurrogatePower(temperature: options.temperature)
        let first = tables.first, second = tables.second, offset = tables.offset
        let changeStart = kernel.changeStart, changeSpecies = kernel.changeSpecies, changeDelta = kernel.changeDelta
        let dependentStart = kernel.dependentStart, dependents = kernel.dependents
        let width = tables.changeWidth, changeSlot = tables.changeSlot, changeWeight = tables.changeWeight
        let changeCount = tables.changeCount
        let a = scratch.a, derivative = scratch.derivative
        let timeSum = scratch.timeSum, choice = scratch.choice, xBar = scratch.xBar
        // ∂a0/∂x per slot (S + 1: the constant slot S collects what is aimed at it, never read),
        // and per reaction the running waiting-time sum when a_j last changed.
        let block = UnsafeMutablePointer<Double>.allocate(capacity: sCount + 1 + m)
        defer { block.deallocate() }
        let a0Slope = block, mark = block + sCount + 1
        block.initialize(repeating: 0, count: sCount + 1 + m)
        // Per dependent entry (CSR of the kernel's dependents) what its re-evaluation reads, in one record.
        let entryCount = dependentStart[m]
        let entries = UnsafeMutablePointer<DependentEntry>.allocate(capacity: max(entryCount, 1))
        defer { entries.deallocate() }
        for i in 0..<entryCount {
            let j = dependents[i]
            entries[i] = DependentEntry(rate: k[j], reaction: Int32(j), first: Int32(first[j]), second: Int32(second[j]),
                                        offset: Int32(offset[j]))
        }

        var a0 = 0.0
        @inline(__always) func resum() {
            a0 = Self.sum(a, m)
            for s in 0...sCount { a0Slope[s] = 0 }
            for j in 0..<m {
                a0Slope[first[j]] += derivative[2 * j]
                a0Slope[second[j]] += derivative[2 * j + 1]
            }
        }
        for j in 0..<m { _ = evaluate(j, x, k, first, second, offset, a, derivative) }
        resum()
        if carries { xAdj.copy(segment: n, to: xBar) }
        var timeBar = 0.0, timeTotal = 0.0
        var event = n
        while event >= 1 {
            let r = Int(reactions[event - 1]), a0Before = a0
            timeBar += tAdj[event - 1]
            // Back to the state before the event; re-evaluate what reads it, carrying a0, ∂a0/∂x
            // and the waiting-time sums along.
            if width == 3 {
                // Padded to three entries (slot S, count 0): no loop bound to mispredict.
                let base = r &* 3
                x[changeSlot[base]] &-= changeCount[base]
                x[changeSlot[base &+ 1]] &-= changeCount[base &+ 1]
                x[changeSlot[base &+ 2]] &-= changeCount[base &+ 2]
            } else {
                for i in changeStart[r]..<changeStart[r + 1] { x[changeSpecies[i]] &-= changeDelta[i] }
            }
            for i in dependentStart[r]..<dependentStart[r + 1] {
                let e = entries[i]
                let j = Int(e.reaction), d = derivative + (j &<< 1), f = Int(e.first), g = Int(e.second)
                let old = a[j], oldFirst = d[0], oldSecond = d[1]
                let xf = Double(x[f]), xg = Double(x[g] &- Int(e.offset))
                let now = e.rate * xf * xg, nowFirst = e.rate * xg, nowSecond = e.rate * xf
                a[j] = now
                d[0] = nowFirst
                d[1] = nowSecond
                // a_j·(ΣT since a_j last changed). (Summing by parts instead, −(new − old)·ΣT per
                // change, saves the mark but adds terms that cancel: a stiff reaction's 10¹²·ΣT.)
                timeSum[j] += old * (timeTotal - mark[j])
                mark[j] = timeTotal
                a0 += now - old
                a0Slope[f] += nowFirst - oldFirst
                a0Slope[g] += nowSecond - oldSecond
            }
            // Re-summed every 128 events, and at once when this event cut a0 by more than 2¹⁰: the
            // differences carried it with the larger value's rounding (a stiff reaction can be
            // 10¹² times the rest while it can fire, and stop in one event).
            if event & 127 == 0 || a0 < 0x1p-10 * a0Before { resum() }
            let dt = times[event - 1] - (event >= 2 ? times[event - 2] : 0)
            let term = -timeBar * dt / a0
            timeTotal += term
            guard carries else { event -= 1; continue }
            // The two-way softmax of c = r and the runner-up o. The choice has a softmax only if
            // another reaction can fire. That is all but certain when the others' carried total is
            // well above its rounding (a0 is re-summed every 128 events), and checked exactly
            // otherwise (rare); should rounding still pass a total whose reactions are all at zero,
            // the selection finds none (−1) and the step is skipped.
            let race = a0 - a[r]
            let noise = race > 0x1p-30 * a0 || Self.othersActive(a, m, r)
                ? RunnerUpNoise(key: Self.eventKey(key0, event), a: a, count: m, chosen: r, race: race) : nil
            let o = noise.map { $0.other } ?? -1
            let pair = RunnerUpPair(chosen: r, other: o, chosenRate: a[r], otherRate: o >= 0 ? a[o] : 0,
                                    chosenSlots: (first[r], second[r]), otherSlots: o >= 0 ? (first[o], second[o]) : (sCount, sCount),
                                    chosenDerivatives: (derivative[2 * r], derivative[2 * r + 1]),
                                    otherDerivatives: o >= 0 ? (derivative[2 * o], derivative[2 * o + 1]) : (0, 0))
            let keep = untruncated && (barriers.isEmpty || !barriers[event - 1])
            Self.pairStep(Flags.self, pair, share: noise?.share ?? 0, a0: a0, power: power, width: width, changeSlot: changeSlot,
                          changeWeight: changeWeight, term: term, slope: a0Slope, keep: keep, xAdj: xAdj, segment: event - 1,
                          xBar: xBar, choice: choice, speciesCount: sCount)
            event -= 1
        }
        for j in 0..<m { timeSum[j] += a[j] * (timeTotal - mark[j]) }
    }
}

/// The chosen reaction c and the runner-up o of one event, as the runner-up passes read them:
/// their rates, the slots of their two factors and the derivatives there (o = −1: no softmax).
struct RunnerUpPair {
    var chosen: Int
    var other: Int
    var chosenRate: Double
    var otherRate: Double
    var chosenSlots: (Int, Int)
    var otherSlots: (Int, Int)
    var chosenDerivatives: (Double, Double)
    var otherDerivatives: (Double, Double)
}

extension StraightThroughGradient {
    /// One event of a runner-up pass that forms x̄′ in full: the pair's two-way softmax (its θ̄
    /// share to `choice`), then x̄′ of the previous event = T·∇a0 + the pair's (∂a/∂x)ᵀā + the
    /// loss's direct adjoint at `segment` (+ the carried x̄′ when `keep`).
    @inline(__always)
    static func pairStep<Flags: ChainReverseMode>(_ flags: Flags.Type, _ pair: RunnerUpPair, share u: Double, a0: Double,
                                                  power: SurrogatePower, width: Int, changeSlot: UnsafeMutablePointer<Int>,
                                                  changeWeight: UnsafeMutablePointer<Double>, term: Double,
                                                  slope: UnsafeMutablePointer<Double>, keep: Bool, xAdj: StoredStateAdjoint,
                                                  segment: Int, xBar: UnsafeMutablePointer<Double>,
                                                  choice: UnsafeMutablePointer<Double>, speciesCount sCount: Int) {
        var aBarC = 0.0, aBarO = 0.0
        let r = pair.chosen, o = pair.other
        if o >= 0 {
            let ar = pair.chosenRate, ao = pair.otherRate
            let pw = pairWeight(Flags.self, other: a0 - ar, e0: 1 - u, share: u, a0: a0, product: ar * ao, power: power)
            let delta = dot(r, width, changeSlot, changeWeight, xBar) - dot(o, width, changeSlot, changeWeight, xBar)
            let adjoints = pairAdjoints(pw, delta: delta, invTau: power.inverseTemperature, chosenRate: ar, otherRate: ao)
            choice[r] += adjoints.share
            choice[o] -= adjoints.share
            aBarC = adjoints.chosen
            aBarO = adjoints.other
        }
        for s in 0..<sCount { xBar[s] = (keep ? xBar[s] : 0) + term * slope[s] }
        xAdj.add(segment: segment, to: xBar)
        xBar[pair.chosenSlots.0] += aBarC * pair.chosenDerivatives.0
        xBar[pair.chosenSlots.1] += aBarC * pair.chosenDerivatives.1
        xBar[pair.otherSlots.0] += aBarO * pair.otherDerivatives.0
        xBar[pair.otherSlots.1] += aBarO * pair.otherDerivatives.1
        xBar[sCount] = 0
    }

    /// Whether some reaction other than r has a_j > 0.
    @inline(never)
    static func othersActive(_ a: UnsafeMutablePointer<Double>, _ m: Int, _ r: Int) -> Bool {
        for j in 0..<m where j != r && a[j] > 0 { return true }
        return false
    }
}

/// What re-evaluating one dependent reads (`runnerUpSteps`): a_j = rate·x[first]·(x[second] − offset).
struct DependentEntry {
    var rate: Double
    var reaction: Int32
    var first: Int32
    var second: Int32
    var offset: Int32
}
