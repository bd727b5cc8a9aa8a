// The runner-up reverse pass when the forward recorded the runner-ups: O(S) per event, no
// propensity re-evaluated.

extension StraightThroughGradient {
    /// `runnerUpSteps` for a trajectory whose forward recorded each event's runner-up o
    /// (`Trajectory.runnerUps`). Then nothing in a step needs the propensities of all reactions,
    /// only quantities that follow from the state x alone (mass action of order ≤ 2):
    /// - a_r, a_o and their derivatives are evaluated from x;
    /// - a0 is a quadratic in x, so undoing r moves it exactly by −∇a0(x)·ν_r + c_r, with
    ///   c_r = Σ_j k_j·ν_r[first_j]·ν_r[second_j], and ∇a0 (the waiting-time term's state part)
    ///   by the constant vector −H·ν_r. Both are re-summed from x every 128 events, and after a
    ///   fall of a0 by more than 2¹⁰ (a stiff reaction stopping), so rounding cannot drift;
    /// - the waiting-time θ̄ part Σ_e T_e·a_j(x_e) = k_j·Σ_e T_e·x_first·(x_second − offset) is
    ///   summed as state moments: Σ T·x_s per species (and the constant slot, Σ T) and Σ T·x_f·x_g
    ///   per second-order reaction, combined once at the end.
    /// - at K = 1, x̄′ is never formed: the choice's Δ = (ν_c − ν_o)·x̄′ is an affine function of
    ///   the Δ of the event after it (see the loop), so one multiply-add per event waits on that
    ///   event, and the divisions of the softmax stay off that chain.
    /// So a step costs an undo of ≤ 3 species, one pass over S + 1 slots and the two-way
    /// softmax, where `runnerUpSteps` re-evaluates the event's dependents and scans every
    /// propensity for o. Equal to it to rounding (tested), where both select the same o.
    func recordedRunnerUpSteps<Flags: ChainReverseMode>(_ flags: Flags.Type, _ tables: MassActionAdjointTables,
                                                        _ scratch: MassActionScratch, x: UnsafeMutablePointer<Int>,
                                                        key0: UInt64, barriers: UnsafeBufferPointer<Bool>,
                                                        times: UnsafeBufferPointer<Double>, reactions: UnsafeBufferPointer<Int32>,
                                                        runnerUps: UnsafeBufferPointer<Int16>,
                                                        tAdj: UnsafeBufferPointer<Double>, xAdj: StoredStateAdjoint,
                                                        k: UnsafePointer<Double>) {
        let m = tables.reactionCount, sCount = tables.speciesCount, n = times.count, slots = sCount + 1
        let carries = options.truncation != 0, untruncated = Flags.untruncated
        let power = SurrogatePower(temperature: options.temperature)
        let first = tables.first, second = tables.second, offset = tables.offset
        let width = tables.changeWidth, changeSlot = tables.changeSlot, changeWeight = tables.changeWeight
        let timeSum = scratch.timeSum, choice = scratch.choice, xBar = scratch.xBar
        let quadratic = QuadraticRate(tables, k: k)
        defer { quadratic.deallocate() }
        let hNu = quadratic.hNu, curvature = quadratic.curvature, nu = quadratic.nu
        // Per slot: x as a double (the integer state `x` is not needed here), ∇a0, Σ T·x, and a
        // row of zeros; per second-order reaction Σ T·x_f·x_g.
        let block = UnsafeMutablePointer<Double>.allocate(capacity: 4 * slots + m)
        defer { block.deallocate() }
        let xd = block, slope = block + slots, moment = block + 2 * slots, zeroRow = block + 3 * slots
        let pairMoment = block + 4 * slots
        block.initialize(repeating: 0, count: 4 * slots + m)
        for s in 0..<slots { xd[s] = Double(x[s]) }
        var a0 = 0.0
        @inline(__always) func resum() {
            a0 = 0
            for s in 0..<slots { slope[s] = 0 }
            for j in 0..<m {
                let f = first[j], g = second[j]
                let xf = xd[f], xg = xd[g] - Double(offset[j])
                a0 += k[j] * xf * xg
                slope[f] += k[j] * xg
                slope[g] += k[j] * xf
            }
        }
        resum()
        let pairs = quadratic.pairCount, pairFirst = quadratic.pairFirst, pairSecond = quadratic.pairSecond
        if carries { xAdj.copy(segment: n, to: xBar) }
        var timeBar = 0.0
        // K = 1: Δ_e = (ν_c − ν_o)·x̄′ of event e is an affine function of the Δ of the event after
        // it (see below), so x̄′ itself is never formed. What that needs of the event after: its
        // T, its pair weight g, its Δ, and its pair's four derivative slots with ±(∂a/∂x)/a there.
        var delta = 0.0, laterG = 0.0, laterTerm = 0.0
        var slot0 = sCount, slot1 = sCount, slot2 = sCount, slot3 = sCount
        var weight0 = 0.0, weight1 = 0.0, weight2 = 0.0, weight3 = 0.0
        var event = n
        while event >= 1 {
            let r = Int(reactions[event - 1]), a0Before = a0
            timeBar += tAdj[event - 1]
            let o = Int(runnerUps[event - 1])
            // ν_o·∇a0 at the state after the event (A_e below), before ∇a0 moves back.
            let slopeAlongOther = carries && !untruncated && o >= 0 ? Self.dot(o, width, changeSlot, changeWeight, slope) : 0
            // Back to the state before the event, a0 and ∇a0 with it.
            var drop = 0.0
            if width == 3 {
                let base = r &* 3
                let s0 = changeSlot[base], s1 = changeSlot[base &+ 1], s2 = changeSlot[base &+ 2]
                let v0 = changeWeight[base], v1 = changeWeight[base &+ 1], v2 = changeWeight[base &+ 2]
                xd[s0] -= v0
                xd[s1] -= v1
                xd[s2] -= v2
                drop = v0 * slope[s0] + v1 * slope[s1] + v2 * slope[s2]
            } else {
                for i in (r &* width)..<(r &* width &+ width) {
                    let s = changeSlot[i], v = changeWeight[i]
                    xd[s] -= v
                    drop += v * slope[s]
                }
            }
            a0 = a0 - drop + curvature[r]
            // ∇a0 moves by −H·ν_r in the pass with the moments below, unless it is re-summed here
            // with a0 (then by the zero row).
            var h = hNu + r &* slots
            if event & 127 == 0 || a0 < 0x1p-10 * a0Before {
                resum()
                h = zeroRow
            }
            let dt = times[event - 1] - (event >= 2 ? times[event - 2] : 0)
            let term = -timeBar * dt / a0
            for s in 0..<slots {
                slope[s] -= h[s]
                moment[s] += term * xd[s]
            }
            for p in 0..<pairs { pairMoment[p] += term * xd[pairFirst[p]] * xd[pairSecond[p]] }
            guard carries else { event -= 1; continue }
            if !untruncated {
                // The event after this one left x̄′ = T′·∇a0 + ∂L/∂x (its segment) + g′·Δ′·V′, where
                // V′ = ∂a_c′/∂x/a_c′ − ∂a_o′/∂x/a_o′. So Δ = (ν_c − ν_o)·x̄′ = A + B·g′·Δ′ (ν_c·∇a0 is
                // the `drop` of undoing c): one multiply-add per event waits on the event after, and
                // this event's divisions are not needed before the event before it.
                if o >= 0 {
                    let nuC = nu + r &* slots, nuO = nu + o &* slots
                    let direct = xAdj.dot(segment: event, nuC, minus: nuO)
                    let b = (nuC[slot0] - nuO[slot0]) * weight0 + (nuC[slot1] - nuO[slot1]) * weight1
                        + ((nuC[slot2] - nuO[slot2]) * weight2 + (nuC[slot3] - nuO[slot3]) * weight3)
                    // This event's pair: a_c, a_o and their derivatives from the state before it.
                    let fr = first[r], gr = second[r], fo = first[o], go = second[o]
                    let rFirst = k[r] * (xd[gr] - Double(offset[r])), rSecond = k[r] * xd[fr]
                    let oFirst = k[o] * (xd[go] - Double(offset[o])), oSecond = k[o] * xd[fo]
                    let ar = rFirst * xd[fr], ao = oFirst * xd[fo]
                    let u = EventNoise.pairShare(key: Self.eventKey(key0, event), reactionCount: m)
                    let (g, inverseC, inverseO) = Self.pairTerms(Flags.self, race: a0 - ar, share: u, a0: a0,
                                                                 chosenRate: ar, otherRate: ao, power: power)
                    delta = (laterTerm * (drop - slopeAlongOther) + direct) + (b * laterG) * delta
                    choice[r] += g * delta
                    choice[o] -= g * delta
                    laterG = g
                    slot0 = fr; slot1 = gr; slot2 = fo; slot3 = go
                    weight0 = rFirst * inverseC; weight1 = rSecond * inverseC
                    weight2 = -oFirst * inverseO; weight3 = -oSecond * inverseO
                } else {
                    delta = 0
                    laterG = 0
                }
                laterTerm = term
                event -= 1
                continue
            }
            // Untruncated: x̄′ carried in full. The two-way softmax of c = r and the recorded runner-up o.
            let fr = first[r], gr = second[r]
            var pair = RunnerUpPair(chosen: r, other: o, chosenRate: 0, otherRate: 0, chosenSlots: (fr, gr),
                                    otherSlots: (sCount, sCount),
                                    chosenDerivatives: (k[r] * (xd[gr] - Double(offset[r])), k[r] * xd[fr]),
                                    otherDerivatives: (0, 0))
            pair.chosenRate = pair.chosenDerivatives.0 * xd[fr]
            if o >= 0 {
                let fo = first[o], go = second[o]
                pair.otherSlots = (fo, go)
                pair.otherDerivatives = (k[o] * (xd[go] - Double(offset[o])), k[o] * xd[fo])
                pair.otherRate = pair.otherDerivatives.0 * xd[fo]
            }
            let u = o >= 0 ? EventNoise.pairShare(key: Self.eventKey(key0, event), reactionCount: m) : 0
            let keep = barriers.isEmpty || !barriers[event - 1]
            Self.pairStep(Flags.self, pair, share: u, a0: a0, power: power, width: width, changeSlot: changeSlot,
                          changeWeight: changeWeight, term: term, slope: slope, keep: keep, xAdj: xAdj, segment: event - 1,
                          xBar: xBar, choice: choice, speciesCount: sCount)
            event -= 1
        }
        // Σ_e T_e·a_j(x_e) from the moments: x_f·(x_g − offset) = x_f·x_g − offset·x_f.
        for j in 0..<m {
            let p = quadratic.pairOf[j]
            let monomial = p >= 0 ? pairMoment[p] - Double(offset[j]) * moment[first[j]] : moment[first[j]]
            timeSum[j] += k[j] * monomial
        }
    }
}

extension StraightThroughGradient {
    /// g = (1/τ)·y_o/(1 + y_o)² of the pair (`pairWeight`), 1/a_c and 1/a_o: at τ = 0.5 one packed
    /// division gives the weight and 1/(a_c·a_o), when that product is safe to form.
    @inline(__always)
    static func pairTerms<Flags: ChainReverseMode>(_ flags: Flags.Type, race: Double, share: Double, a0: Double,
                                                   chosenRate ac: Double, otherRate ao: Double, power: SurrogatePower)
        -> (g: Double, inverseChosen: Double, inverseOther: Double) {
        let pw = pairWeight(Flags.self, other: race, e0: 1 - share, share: share, a0: a0, product: ac * ao, power: power)
        if pw.safe { return (pw.weight * power.inverseTemperature, ao * pw.inverseProduct, ac * pw.inverseProduct) }
        return (pw.weight * power.inverseTemperature, 1 / ac, 1 / ao)
    }
}

/// a0 as the quadratic it is in the state, for the rates k of one reverse pass: per reaction r
/// the change of ∇a0 when r is undone (H·ν_r, S + 1 slots) and c_r = ½·ν_rᵀHν_r; and the
/// second-order reactions whose moments Σ T·x_f·x_g the waiting-time sums need.
struct QuadraticRate {
    let hNu: UnsafeMutablePointer<Double>
    let curvature: UnsafeMutablePointer<Double>
    /// ν_r dense over the S + 1 slots (0 at the constant slot), row r from r·(S + 1).
    let nu: UnsafeMutablePointer<Double>
    /// Per reaction its pair index (second order in two factors that are species), or −1.
    let pairOf: UnsafeMutablePointer<Int>
    let pairFirst: UnsafeMutablePointer<Int>
    let pairSecond: UnsafeMutablePointer<Int>
    let pairCount: Int

    init(_ tables: MassActionAdjointTables, k: UnsafePointer<Double>) {
        let m = tables.reactionCount, sCount = tables.speciesCount, slots = sCount + 1, width = tables.changeWidth
        let first = tables.first, second = tables.second
        hNu = .allocate(capacity: m * slots)
        hNu.initialize(repeating: 0, count: m * slots)
        curvature = .allocate(capacity: m)
        nu = .allocate(capacity: m * slots)
        pairOf = .allocate(capacity: m)
        pairFirst = .allocate(capacity: m)
        pairSecond = .allocate(capacity: m)
        for r in 0..<m {
            let nu = self.nu + r * slots
            nu.initialize(repeating: 0, count: slots)
            for i in (r * width)..<(r * width + width) { nu[tables.changeSlot[i]] += tables.changeWeight[i] }
            nu[sCount] = 0   // the constant slot never changes
            var c = 0.0
            let h = hNu + r * slots
            for j in 0..<m {
                c += k[j] * nu[first[j]] * nu[second[j]]
                h[first[j]] += k[j] * nu[second[j]]
                h[second[j]] += k[j] * nu[first[j]]
            }
            curvature[r] = c
        }
        var count = 0
        for j in 0..<m {
            if first[j] < sCount && second[j] < sCount {
                pairOf[j] = count
                pairFirst[count] = first[j]
                pairSecond[count] = second[j]
                count += 1
            } else {
                pairOf[j] = -1
            }
        }
        pairCount = count
    }

    func deallocate() {
        hNu.deallocate(); curvature.deallocate(); nu.deallocate()
        pairOf.deallocate(); pairFirst.deallocate(); pairSecond.deallocate()
    }
}
