import Foundation
import PatchData
import StochasticKinetics

/// The loss of the SSA route and its gradient for one set of targets: for every record,
/// simulate an ensemble of N-channel records at its conditions, impose the resolution, keep
/// intervals by the data's rule, and compare
///   L = Σ_records [ Σ_levels W₂²(log dwell times) + w_P·(P_sim − P_obs)² (+ w_P·(f_sim − f_obs)²) ]
/// (f: fraction of shuttings longer than t_crit, likelihood-ratio estimator only).
/// Likelihood ratio: each kept interval's share of the loss's first variation times the score
/// of the events that decided it (`SSALikelihoodRatio`). Straight-through: gradients flow into
/// the kept resolved durations, from them into the trajectories' event times
/// (`TrajectoryAdjoint.addDuration`), through the engine's reverse pass to the network
/// coordinates φ. Both reach θ through the parameter map.
struct SSAObjective: Sendable {
    /// What one record's simulations are compared with.
    struct Target: Sendable {
        /// Quantile loss per level that has enough observed intervals.
        var levels: [Int: LogDwellDistance]
        /// Observed open fraction.
        var openFraction: Double
        /// Observed fraction of shut intervals longer than t_crit (nil: no t_crit, or none).
        var burstEndFraction: Double?
        /// Kept intervals the simulation should produce per iteration.
        var simulatedDwells: Double
    }

    /// What one evaluation produced.
    struct Evaluation: Sendable {
        var loss: Double
        var gradient: [Double]
        /// Kept simulated intervals per record.
        var keptCounts: [Int]
    }

    let scheme: GatingScheme
    let records: [SSARecord]
    let networks: [SchemeNetwork]
    let engines: [EnsembleSimulator]
    let observable: Observable
    /// Open channels per state (the open-fraction term's observable).
    let openObservable: Observable
    let channels: Int
    let trajectories: Int
    let popenWeight: Double
    let eventLimit: Int
    let estimator: SSAGradientEstimator
    /// Earlier intervals whose events count for an interval (likelihood-ratio estimator).
    let lookback: Int

    init(scheme: GatingScheme, records: [SSARecord], channels: Int, trajectories: Int, popenWeight: Double,
         options: GradientOptions, eventLimit: Int, estimator: SSAGradientEstimator = .straightThrough, lookback: Int = 1) throws {
        self.scheme = scheme
        self.records = records
        self.channels = channels
        self.trajectories = trajectories
        self.popenWeight = popenWeight
        self.eventLimit = eventLimit
        self.estimator = estimator
        self.lookback = lookback
        if estimator == .straightThrough, let r = records.first(where: { $0.observation != nil }) {
            throw GatingModelsError.invalidArgument(name: "gradient", reason: "\(r.name): records seen through rendering and idealisation need the likelihood-ratio gradient")
        }
        networks = try records.map { try SchemeNetwork(scheme, conditions: $0.conditions, channels: channels) }
        var options = options
        if channels > 1 { options.truncation = 1 }
        engines = try networks.map { try EnsembleSimulator(network: $0.network, options: options) }

        // Levels: open-channel count for a patch, conductance class for one channel.
        observable = SchemeNetwork.levelObservable(scheme, channels: channels)
        openObservable = Observable(weights: scheme.states.map { $0.isOpen ? 1 : 0 })
    }

    /// Targets from each record's observed intervals (levels with fewer than `minimumCount`
    /// intervals count only through the open fraction).
    static func targets(_ observed: [ComparedDwells], multiple: Double, minimumSimulated: Int, minimumCount: Int) throws -> [Target] {
        try observed.map { o in
            var levels: [Int: LogDwellDistance] = [:]
            for (level, d) in o.durations where d.count >= minimumCount { levels[level] = try LogDwellDistance(observed: d) }
            return Target(levels: levels, openFraction: o.openFraction, burstEndFraction: o.burstEndFraction,
                          simulatedDwells: max(multiple * Double(o.count), Double(minimumSimulated)))
        }
    }

    /// Simulates record `r`'s ensemble at θ: trajectory i uses engine stream (seed, i) and draws
    /// its channels' starting states from the equilibrium occupancies with stream (seed, 2⁴⁰ + i).
    func simulate(record r: Int, theta: [Double], horizon: Double, seed: UInt64) throws -> (paths: [Trajectory], records: [SimulatedRecord], phi: [Double]) {
        let net = networks[r]
        let phi = net.coordinates(scheme, theta: theta)
        let k = scheme.parameterMap.rateConstants(theta)
        let occupancy = try scheme.qMatrix(rateConstants: k, records[r].conditions).equilibriumOccupancies()
        let simulator = engines[r].simulator, n = channels, limit = eventLimit
        let paths = try ParallelEnsemble.map(count: trajectories) { i -> Trajectory in
            var draw = RandomStream(seed: seed, stream: (1 << 40) + UInt64(i))
            let x0 = SchemeNetwork.equilibriumStart(occupancy: occupancy, channels: n, draw: &draw)
            return try simulator.simulate(coordinates: phi, horizon: .time(horizon, eventLimit: limit), seed: seed, index: i, initialState: x0)
        }
        let network = net.network, obs = observable, tRes = records[r].resolution
        if let observation = records[r].observation {
            let sims = try ParallelEnsemble.map(count: trajectories) { i -> SimulatedRecord in
                let levels = paths[i].observableSeries(obs, network: network)
                let seen = try observation.observe(paths[i], levels, horizon, SplitMix64.mix(seed ^ (UInt64(i) &* 0xA24B_AED4_963E_E407)))
                return SimulatedRecord(observed: seen, duration: horizon, segmentLevels: levels)
            }
            return (paths, sims, phi)
        }
        let sims = try ParallelEnsemble.map(count: trajectories) { i in
            try SimulatedRecord(paths[i], network: network, observable: obs, resolution: tRes)
        }
        return (paths, sims, phi)
    }

    /// Loss and ∂L/∂θ at θ. `horizons[r]` is the length of each simulated record of record r.
    func evaluate(theta: [Double], targets: [Target], horizons: [Double], seed: UInt64) throws -> Evaluation {
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: theta.count)
        var kept: [Int] = []
        for r in records.indices {
            let recordSeed = SplitMix64.mix(seed &+ UInt64(r) &* 0x9E37_79B9_7F4A_7C15)
            let (paths, sims, phi) = try simulate(record: r, theta: theta, horizon: horizons[r], seed: recordSeed)
            // Kept intervals, pooled in trajectory order.
            var level: [Int] = [], duration: [Double] = [], owner: [Int] = [], position: [Int] = []
            for (i, sim) in sims.enumerated() {
                for k in sim.keptIntervals(tCrit: records[r].tCrit) {
                    level.append(sim.resolved.dwells[k].level)
                    duration.append(sim.resolved.dwells[k].duration)
                    owner.append(i)
                    position.append(k)
                }
            }
            kept.append(duration.count)
            var dL = [Double](repeating: 0, count: duration.count)
            // Likelihood-ratio rewards: each interval's share of the loss's first variation.
            var reward = [Double](repeating: 0, count: duration.count)
            // Quantile matching per level.
            for (lv, distance) in targets[r].levels.sorted(by: { $0.key < $1.key }) {
                let members = duration.indices.filter { level[$0] == lv }
                // None simulated (records too short, or rates far off): a constant penalty; the
                // horizon grows next iteration.
                guard !members.isEmpty else { loss += 10; continue }
                let simulated = members.map { duration[$0] }
                let (l, g) = distance.evaluate(simulated: simulated)
                loss += l
                for (m, i) in members.enumerated() { dL[i] += g[m] }
                if estimator == .likelihoodRatio {
                    for (m, psi) in distance.potentials(simulated: simulated).enumerated() { reward[members[m]] += psi }
                }
            }
            if estimator == .likelihoodRatio {
                let (popenLoss, popenShare) = openFractionTerm(paths: paths, sims: sims, owner: owner, position: position,
                                                               duration: duration, record: r, target: targets[r])
                loss += popenLoss
                var rewards = duration.indices.map { i in
                    SSALikelihoodRatio.Reward(owner: owner[i], position: position[i], level: level[i],
                                              value: reward[i] + popenShare[i])
                }
                if let observedFraction = targets[r].burstEndFraction {
                    loss += burstEndTerm(sims: sims, record: r, observed: observedFraction, rewards: &rewards)
                }
                let gPhi = try SSALikelihoodRatio.coordinateGradient(paths: paths, sims: sims, rewards: rewards,
                                                                     network: networks[r].network, phi: phi,
                                                                     resolution: records[r].resolution, lookback: lookback)
                let gTheta = networks[r].thetaGradient(scheme, coordinateGradient: gPhi)
                for j in gradient.indices { gradient[j] += gTheta[j] }
                continue
            }
            // Back to each trajectory, then through the reverse pass.
            let species = networks[r].network.speciesCount
            let relaxed = channels == 1
            var adjoints = zip(paths, sims).map { path, sim in
                relaxed ? Self.adjointSkeleton(path, sim, speciesCount: species, observing: [observable, openObservable])
                        : TrajectoryAdjoint(for: path, speciesCount: species, observing: [observable, openObservable])
            }
            for i in duration.indices where dL[i] != 0 {
                let sim = sims[owner[i]], k = position[i]
                if relaxed {
                    Self.addDurationAdjoint(&adjoints[owner[i]], path: paths[owner[i]], sim: sim, interval: k,
                                            weight: dL[i], observable: observable)
                } else {
                    adjoints[owner[i]].addDuration(firstSegment: sim.firstSegment[k], lastSegment: sim.lastSegment[k], weight: dL[i])
                }
            }
            // Open fraction over the kept intervals, P = Σ o_n Δt_n / (N Σ Δt_n) over their
            // trajectory segments (o = open channels): a time average, differentiated through
            // the states (o_n) and the segment times.
            var openTime = 0.0, total = 0.0
            var openSeries: [[Double]] = []
            for path in paths { openSeries.append(path.observableSeries(openObservable, network: networks[r].network)) }
            for i in duration.indices {
                let sim = sims[owner[i]], k = position[i], path = paths[owner[i]]
                for n in sim.firstSegment[k]...sim.lastSegment[k] {
                    let dt = path.segmentEnd(n) - path.segmentStart(n)
                    openTime += openSeries[owner[i]][n] * dt
                    total += dt
                }
            }
            if total > 0 {
                let n = Double(channels)
                let p = openTime / (n * total)
                let residual = p - targets[r].openFraction
                loss += popenWeight * residual * residual
                let c = 2 * popenWeight * residual / total
                for i in duration.indices {
                    let sim = sims[owner[i]], k = position[i], path = paths[owner[i]]
                    for seg in sim.firstSegment[k]...sim.lastSegment[k] {
                        let dt = path.segmentEnd(seg) - path.segmentStart(seg)
                        adjoints[owner[i]].addObservable(openObservable, segment: seg, weight: c * dt / n)
                        adjoints[owner[i]].addDuration(firstSegment: seg, lastSegment: seg, weight: c * (openSeries[owner[i]][seg] / n - p))
                    }
                }
            }
            let gPhi = try engines[r].gradient(trajectories: paths, adjoints: adjoints, coordinates: phi)
            let gTheta = networks[r].thetaGradient(scheme, coordinateGradient: gPhi)
            for j in gradient.indices { gradient[j] += gTheta[j] }
        }
        return Evaluation(loss: loss, gradient: gradient, keptCounts: kept)
    }

    /// The open-fraction term w_P·(P − P_obs)² over the kept intervals, P = Σ O_i / (N Σ d_i)
    /// with O_i = open weight of interval i's resolved level × d_i (the data's rule), and each
    /// kept interval's share of its first variation: ∂L/∂P · (O_i/N − P·d_i)/Σd.
    func openFractionTerm(paths: [Trajectory], sims: [SimulatedRecord], owner: [Int], position: [Int], duration: [Double],
                          record r: Int, target: Target) -> (loss: Double, share: [Double]) {
        // Open time by resolved level, as the data's open fraction is counted.
        let open = duration.indices.map { i in
            ComparedDwells.openWeight(level: sims[owner[i]].resolved.dwells[position[i]].level, channels: channels) * duration[i]
        }
        let total = duration.reduce(0, +)
        guard total > 0 else { return (0, open.map { _ in 0 }) }
        let n = Double(channels)
        let p = open.reduce(0, +) / (n * total)
        let residual = p - target.openFraction
        let c = 2 * popenWeight * residual / total
        return (popenWeight * residual * residual, duration.indices.map { c * (open[$0] / n - p * duration[$0]) })
    }

    /// The burst-end term w_P·(f − f_obs)², f = fraction of shut intervals longer than t_crit
    /// (likelihood-ratio estimator only: a count has no pathwise derivative). Adds each shut
    /// interval's share 2w_P(f − f_obs)(1[long] − f)/n_shut to `rewards` (long ones as level −1,
    /// so they get their own baseline).
    func burstEndTerm(sims: [SimulatedRecord], record r: Int, observed: Double,
                      rewards: inout [SSALikelihoodRatio.Reward]) -> Double {
        var long: [(Int, Int)] = []
        for (i, sim) in sims.enumerated() {
            let range = 0..<sim.resolved.count
            for k in range where ComparedDwells.isLongShut(sim.resolved.dwells, k, in: range, tCrit: records[r].tCrit) { long.append((i, k)) }
        }
        let keptShut = rewards.indices.filter { rewards[$0].level == 0 }
        let shut = Double(long.count + keptShut.count)
        guard shut > 0 else { return 0 }
        let f = Double(long.count) / shut
        let c = 2 * popenWeight * (f - observed) / shut
        for i in keptShut { rewards[i].value += c * (0 - f) }
        for (owner, k) in long { rewards.append(SSALikelihoodRatio.Reward(owner: owner, position: k, level: -1, value: c * (1 - f))) }
        return popenWeight * (f - observed) * (f - observed)
    }

    // MARK: - From resolved durations to the trajectory

    /// A zero adjoint whose state adjoint is cut at every resolved level change (the
    /// straight-through pass carries it within a resolved interval, never across one).
    /// It stores the state adjoint of the species the `observables` read (the loss writes no other).
    static func adjointSkeleton(_ path: Trajectory, _ sim: SimulatedRecord, speciesCount: Int,
                                observing observables: [Observable]) -> TrajectoryAdjoint {
        var a = TrajectoryAdjoint(for: path, speciesCount: speciesCount, observing: observables)
        for first in sim.firstSegment where first >= 1 { a.cutStateAdjoint(atEvent: first) }
        return a
    }

    /// ∂L/∂d for resolved interval k, ℓ its level and ℓ′ the next interval's. The time part
    /// goes to the event times (`addDuration`). The state part is a survival relaxation: the
    /// interval lasts while the observable stays at ℓ, so nudging segment n's state toward ℓ′
    /// would have ended it there and saved the rest of it,
    ///   ∂d/∂o_n = −(τ_end − τ_n)/(ℓ′ − ℓ)  for its segments n at level ℓ
    /// (sub-resolution excursions inside it are left alone).
    /// Carried back within the interval by the straight-through pass (cut at level changes),
    /// this lets a branch that prolongs an interval (C2 → C1 rather than C2 → O) feel its
    /// effect; the waiting-time path alone gets the sign of ∂(mean shut time)/∂k21 wrong.
    static func addDurationAdjoint(_ a: inout TrajectoryAdjoint, path: Trajectory, sim: SimulatedRecord, interval k: Int,
                                   weight: Double, observable: Observable) {
        let first = sim.firstSegment[k], last = sim.lastSegment[k]
        a.addDuration(firstSegment: first, lastSegment: last, weight: weight)
        guard k + 1 < sim.resolved.count else { return }
        let step = Double(sim.resolved.dwells[k + 1].level - sim.resolved.dwells[k].level)
        guard step != 0 else { return }
        let end = path.segmentEnd(last)
        let level = Double(sim.resolved.dwells[k].level)
        for n in first...last where sim.segmentLevels[n] == level {
            a.addObservable(observable, segment: n, weight: -weight * (end - path.segmentStart(n)) / step)
        }
    }
}
