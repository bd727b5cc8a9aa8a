import Foundation
import StochasticKinetics

/// Turns an SSA estimate into the `KineticFitResult` a report draws. One channel: the exact
/// HJC log-likelihood at the estimate (comparable with the exact route's) and the theoretical
/// ideal and apparent pdfs. Several channels: the N-channel likelihood at the estimate when the
/// aggregate process is small enough (`ChannelPatch.maximumStates`; else NaN, which summaries
/// print as absent) and histograms predicted by simulating the fitted scheme (the SSA route's
/// own view, which includes what the likelihood approximates). Where that likelihood exists,
/// the bootstrap SDs are floored at its information bound (`floorAtInformationBound`).
enum SSAFitReport {
    static func result(scheme start: GatingScheme, fitted: GatingScheme, records: [SSARecord], channels: Int,
                       objective: SSAObjective, covariance: Matrix?, seed: UInt64) throws -> KineticFitResult {
        var rates = ExactFit.estimates(fitted, covariance: covariance)
        var histograms: [HistogramComparison] = []
        // The likelihood of the same records, where there is one: HJC for one channel, the
        // N-channel likelihood for a patch whose aggregate is small enough.
        var likelihood: (@Sendable (GatingScheme) throws -> Double)? = nil
        if channels == 1 {
            let likelihoodRecords = try records.map {
                try LikelihoodRecord($0.resolved, conditions: $0.conditions, resolution: $0.resolution,
                                     tCrit: max($0.tCrit ?? .infinity, $0.resolution), name: $0.name)
            }
            likelihood = { try ExactLikelihood.logLikelihood($0, records: likelihoodRecords) }
            histograms = try likelihoodRecords.flatMap { try HistogramComparison.comparisons(for: $0, scheme: fitted) }
        } else {
            // Too many aggregate states: the likelihood throws, and is reported as NaN.
            if let patchRecords = try? records.map({
                try PatchRecord($0.resolved, conditions: $0.conditions, resolution: $0.resolution,
                                tCrit: max($0.tCrit ?? .infinity, $0.resolution), channels: channels, name: $0.name)
            }) {
                likelihood = { try PatchLikelihood.logLikelihood($0, records: patchRecords) }
            }
            histograms = try simulatedHistograms(fitted: fitted, records: records, objective: objective, seed: seed)
        }
        let logLikelihood = likelihood.flatMap { try? $0(fitted) } ?? .nan
        let initial = likelihood.flatMap { try? $0(start) } ?? .nan
        var floored = false
        if covariance != nil, let likelihood, logLikelihood.isFinite {
            floored = floorAtInformationBound(&rates, fitted: fitted, likelihood: likelihood, value: logLikelihood)
        }
        var result = KineticFitResult(route: "ssa", scheme: fitted, rates: rates, logLikelihood: logLikelihood,
                                      initialLogLikelihood: initial, iterations: 0, evaluations: 0, converged: true,
                                      wallSeconds: 0, logParameterCovariance: covariance, histograms: histograms)
        result.uncertainty = covariance == nil ? "no rate SDs (no bootstrap)"
            : floored ? "rate SDs: bootstrap spread, at least the likelihood's information bound" : "rate SDs: bootstrap spread"
        return result
    }

    /// Raises each bootstrap SD to at least the SD the likelihood's observed information gives
    /// at the same estimate: no estimator from these data can do better than that bound, while
    /// the bootstrap's replicates move too little along weakly determined directions (a C–C–O
    /// patch: k21 2.3 % against the likelihood's 7.7 %). Returns false (rates untouched) when
    /// the information matrix there is not negative definite.
    static func floorAtInformationBound(_ rates: inout [RateEstimate], fitted: GatingScheme,
                                        likelihood: @escaping @Sendable (GatingScheme) throws -> Double, value: Double) -> Bool {
        let exact = ExactFit()
        let objective = exact.objectiveFunction(fitted, likelihood)
        guard let inverse = exact.informationCovariance(objective, at: fitted.parameters, value: value).0 else { return false }
        let bound = ExactFit.estimates(fitted, covariance: inverse)
        for i in rates.indices {
            if let sd = rates[i].standardDeviation, let b = bound[i].standardDeviation, b > sd { rates[i].standardDeviation = b }
        }
        return true
    }

    /// Per record and level, the observed compared intervals against ~10× as many simulated at
    /// the fitted rates (resolved: the prediction; unresolved: the "ideal" curve).
    static func simulatedHistograms(fitted: GatingScheme, records: [SSARecord], objective: SSAObjective,
                                    seed: UInt64) throws -> [HistogramComparison] {
        var out: [HistogramComparison] = []
        let theta = fitted.parameters
        for (r, record) in records.enumerated() {
            let horizon = 10 * max(record.resolved.totalDuration, 1e-3) / Double(objective.trajectories)
            let (paths, sims, _) = try objective.simulate(record: r, theta: theta, horizon: horizon,
                                                          seed: SplitMix64.mix(seed ^ 0x5EED_0F_4157_0000))
            var apparent: [Int: [Double]] = [:], ideal: [Int: [Double]] = [:]
            for sim in sims {
                for k in sim.keptIntervals(tCrit: record.tCrit) {
                    apparent[sim.resolved.dwells[k].level, default: []].append(sim.resolved.dwells[k].duration)
                }
            }
            for path in paths {
                let raw = TrajectoryStatistics.dwells(path, series: path.observableSeries(objective.observable, network: objective.networks[r].network))
                for d in raw.dropFirst().dropLast() { ideal[Int(d.level.rounded()), default: []].append(d.duration) }
            }
            let label = URL(fileURLWithPath: record.name).lastPathComponent
            for level in record.observed.durations.keys.sorted() {
                let name = level == 0 ? "\(label) shut" : "\(label) level \(level)"
                if let h = HistogramComparison.simulated(name: name, kind: level == 0 ? "shut" : "open",
                                                         durations: record.observed.durations[level] ?? [],
                                                         resolution: record.resolution,
                                                         apparent: apparent[level] ?? [], ideal: ideal[level] ?? []) {
                    out.append(h)
                }
            }
        }
        return out
    }
}
