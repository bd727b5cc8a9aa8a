import Foundation
import StochasticKinetics

/// Turns an SSA estimate into the `KineticFitResult` a report draws. One channel: the exact
/// HJC log-likelihood at the estimate (comparable with the exact route's) and the theoretical
/// ideal and apparent pdfs. Several channels: the N-channel likelihood at the estimate when the
/// aggregate process is small enough (`ChannelPatch.maximumStates`; else NaN, which summaries
/// print as absent) and histograms predicted by simulating the fitted scheme (the SSA route's
/// own view, which includes what the likelihood approximates).
enum SSAFitReport {
    static func result(scheme start: GatingScheme, fitted: GatingScheme, records: [SSARecord], channels: Int,
                       objective: SSAObjective, covariance: Matrix?, seed: UInt64) throws -> KineticFitResult {
        let rates = ExactFit.estimates(fitted, covariance: covariance)
        var logLikelihood = Double.nan, initial = Double.nan
        var histograms: [HistogramComparison] = []
        if channels == 1 {
            let likelihoodRecords = try records.map {
                try LikelihoodRecord($0.resolved, conditions: $0.conditions, resolution: $0.resolution,
                                     tCrit: max($0.tCrit ?? .infinity, $0.resolution), name: $0.name)
            }
            logLikelihood = (try? ExactLikelihood.logLikelihood(fitted, records: likelihoodRecords)) ?? .nan
            initial = (try? ExactLikelihood.logLikelihood(start, records: likelihoodRecords)) ?? .nan
            histograms = try likelihoodRecords.flatMap { try HistogramComparison.comparisons(for: $0, scheme: fitted) }
        } else {
            let patchRecords = try? records.map {
                try PatchRecord($0.resolved, conditions: $0.conditions, resolution: $0.resolution,
                                tCrit: max($0.tCrit ?? .infinity, $0.resolution), channels: channels, name: $0.name)
            }
            if let patchRecords {
                logLikelihood = (try? PatchLikelihood.logLikelihood(fitted, records: patchRecords)) ?? .nan
                initial = (try? PatchLikelihood.logLikelihood(start, records: patchRecords)) ?? .nan
            }
            histograms = try simulatedHistograms(fitted: fitted, records: records, objective: objective, seed: seed)
        }
        return KineticFitResult(route: "ssa", scheme: fitted, rates: rates, logLikelihood: logLikelihood,
                                initialLogLikelihood: initial, iterations: 0, evaluations: 0, converged: true,
                                wallSeconds: 0, logParameterCovariance: covariance, histograms: histograms)
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
