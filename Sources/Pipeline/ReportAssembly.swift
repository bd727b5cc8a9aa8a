import Foundation
import GatingModels
import PatchData
import Reports

/// Turns stage results into the report model. Pure formatting: every number was computed by a
/// stage; this only selects, scales for drawing and labels.
enum ReportAssembly {
    // MARK: - Idealisation views

    /// A window of the trace with the idealisation over it: 50 ms (or the whole record if
    /// shorter) of sweep 1, placed where the idealisation changes level most often (the first
    /// such place), at most 4000 points drawn.
    static func traceExcerpt(_ channel: RecordingChannel, sampleInterval dt: Double, path: [UInt8], levels: [Double]) -> TraceExcerpt? {
        guard let sweep = channel.sweeps.first, !sweep.isEmpty, path.count >= sweep.count else { return nil }
        let window = min(sweep.count, max(200, Int((0.05 / dt).rounded())))
        var transitions = [Int](repeating: 0, count: sweep.count + 1)  // prefix counts
        for i in 1..<sweep.count { transitions[i + 1] = transitions[i] + (path[i] != path[i - 1] ? 1 : 0) }
        let step = max(1, window / 4)
        var start = 0, most = -1
        for s in stride(from: 0, through: sweep.count - window, by: step) where transitions[s + window] - transitions[s] > most {
            most = transitions[s + window] - transitions[s]
            start = s
        }
        let end = start + window
        let stride = max(1, window / 4000)
        var time: [Double] = [], current: [Double] = []
        for i in Swift.stride(from: start, to: end, by: stride) {
            time.append(Double(i - start) * dt)
            current.append(Double(sweep[i]))
        }
        var segments: [IdealisedSegment] = []
        var runStart = start
        for i in (start + 1)...end where i == end || path[i] != path[runStart] {
            let level = Int(path[runStart]) < levels.count ? levels[Int(path[runStart])] : 0
            segments.append(IdealisedSegment(start: Double(runStart - start) * dt, end: Double(i - start) * dt, level: level))
            runStart = i
        }
        return TraceExcerpt(time: time, current: current, idealised: segments,
                            windowLabel: String(format: "%.1f–%.1f ms of sweep 1", Double(start) * dt * 1e3, Double(end) * dt * 1e3))
    }

    /// All-points amplitude histogram (0.1–99.9 percentile range, 80 bins) with one Gaussian
    /// per idealised level; weights are the fraction of samples assigned to the level.
    static func amplitudeHistogram(_ channel: RecordingChannel, path: [UInt8], levels: [Double], sds: [Double]) -> AmplitudeHistogram? {
        let samples = channel.sweeps.joined()
        guard samples.count > 10 else { return nil }
        let sorted = samples.sorted()
        let lo = Double(sorted[sorted.count / 1000]), hi = Double(sorted[sorted.count - 1 - sorted.count / 1000])
        guard hi > lo else { return nil }
        let bins = 80
        let width = (hi - lo) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for x in samples {
            let b = Int((Double(x) - lo) / width)
            if b >= 0 && b < bins { counts[b] += 1 }
        }
        var occupancy = [Double](repeating: 0, count: levels.count)
        for p in path where Int(p) < occupancy.count { occupancy[Int(p)] += 1 }
        let total = max(1, occupancy.reduce(0, +))
        let components = levels.indices.map { k in
            GaussianComponent(mean: levels[k], sd: k < sds.count ? sds[k] : 0, weight: occupancy[k] / total,
                              label: k == 0 ? "shut" : "level \(k)")
        }
        return AmplitudeHistogram(binEdges: (0...bins).map { lo + Double($0) * width }, counts: counts, components: components)
    }

    // MARK: - Fit views

    /// The report's view of a fit. With both routes run, `results` holds the exact fit first:
    /// it fills the page, the SSA fit adds its loss curve and a note with its rates.
    static func fitOutput(_ results: [KineticFitResult], truth: [String: Double]) -> FitOutput {
        let result = results[0]
        let ssa = results.first { $0.route == "ssa" }
        var output = fitOutput(result, truth: truth)
        if let ssa, !ssa.lossCurve.isEmpty {
            output.lossCurve = LossCurve(iteration: ssa.lossCurve.indices.map(Double.init), loss: ssa.lossCurve,
                                         label: "quantile (W₂ of log dwell times) + open-fraction loss")
        }
        if let ssa, ssa.route != result.route {
            let rates = ssa.rates.filter { $0.role != "fixed" }.map { r in
                r.standardDeviation.map { String(format: "%@ %.4g ± %.2g", r.name, r.value, $0) } ?? String(format: "%@ %.4g", r.name, r.value)
            }
            let likelihood = ssa.logLikelihood.isFinite
                ? String(format: "; log-likelihood there %.2f (the exact fit's maximum: %.2f)", ssa.logLikelihood, result.logLikelihood) : ""
            output.notes.append("The SSA route on the same record (started from the exact fit): " + rates.joined(separator: ", ") + likelihood + ".")
        }
        return output
    }

    static func fitOutput(_ result: KineticFitResult, truth: [String: Double]) -> FitOutput {
        let scheme = result.scheme
        let rates = result.rates.map { r -> RateRow in
            let t = truth[r.name]
            return RateRow(name: r.name, value: r.value, sd: r.standardDeviation, unit: scheme.unit(ofRate: r.name), truth: t,
                           errorPercent: t.map { 100 * (r.value - $0) / $0 })
        }
        let histograms = result.histograms.map { h -> DwellHistogram in
            // GatingModels tabulates √(expected count); the report model wants expected counts.
            DwellHistogram(kind: h.kind == "open" ? .open : .shut, classLabel: h.name, binEdges: h.binEdges,
                           counts: h.observedCounts.map(Double.init),
                           idealPDF: CurveTable(t: h.curveTimes, value: h.idealCurve.map { $0 * $0 }),
                           apparentPDF: CurveTable(t: h.curveTimes, value: h.apparentCurve.map { $0 * $0 }),
                           rSquared: h.r2, resolution: h.binEdges.first)
        }
        let byName = Dictionary(result.rates.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let diagram = SchemeDiagram(
            states: scheme.states.map { SchemeState(name: $0.name, isOpen: $0.isOpen) },
            transitions: pairedTransitions(scheme).map { pair in
                func label(_ t: Transition) -> RateLabel {
                    RateLabel(name: t.name, value: byName[t.name]?.value ?? t.value, sd: byName[t.name]?.standardDeviation, unit: scheme.unit(ofRate: t.name))
                }
                return SchemeTransition(from: pair.forward.from, to: pair.forward.to, forward: label(pair.forward),
                                        backward: pair.backward.map(label))
            })
        let notes = (result.converged ? [] : [result.route == "ssa"
            ? "The SSA fit did not settle (its loss did not stay near its best); the rates shown are its best iterate and have no SDs — treat them with care."
            : "The optimiser stopped before converging; treat the rates with care."]) + result.warnings
        return FitOutput(route: "\(result.route): \(result.method)", rates: rates, logLikelihood: result.logLikelihood.isFinite ? result.logLikelihood : nil,
                         rSquared: result.histograms.compactMap { h in h.r2.map { LabelledValue(h.name, $0) } },
                         rSquaredCeiling: result.histograms.compactMap { h in h.r2Ceiling.map { LabelledValue(h.name, $0) } },
                         iterations: result.iterations, wallSeconds: result.wallSeconds, dwellHistograms: histograms,
                         scheme: diagram, fittedSchemeYAML: scheme.yamlString(), lossCurve: nil,
                         notes: notes)
    }

    /// Transitions grouped into forward/backward pairs between the same two states.
    static func pairedTransitions(_ scheme: GatingScheme) -> [(forward: Transition, backward: Transition?)] {
        var used = Set<Int>()
        var pairs: [(Transition, Transition?)] = []
        for (i, t) in scheme.transitions.enumerated() where !used.contains(i) {
            used.insert(i)
            let j = scheme.transitions.indices.first { !used.contains($0) && scheme.transitions[$0].from == t.to && scheme.transitions[$0].to == t.from }
            if let j { used.insert(j) }
            pairs.append((t, j.map { scheme.transitions[$0] }))
        }
        return pairs
    }

    // MARK: - The page

    static func report(job: RecordingAnalysis.Job, inputHash: String, spec: PipelineSpec, ideal: IdealiseOutput, fit: FitOutput?) -> RecordingReport {
        var settings = [Setting("pipeline", spec.name), Setting("PatchFit", PatchFitVersion.current)] + ideal.settings
        if let f = spec.condition.filterHz { settings.append(Setting("filter", "\(f) Hz Gaussian")) }
        if let r = ideal.resolution { settings.append(Setting("resolution", String(format: "%.4g µs", r * 1e6))) }
        if let fitStage = spec.fit {
            settings.append(Setting("scheme", fitStage.scheme))
            if let c = job.concentration { settings.append(Setting("concentration", String(format: "%.4g M", c))) }
            settings.append(Setting("fit route", fitStage.route))
            settings.append(Setting("seed", String(job.seed)))
        }
        let bytes = job.recording == nil ? (try? FileManager.default.attributesOfItem(atPath: job.file)[.size] as? Int) : nil
        var report = RecordingReport(title: job.name, input: InputFile(path: spec.displayPath(job.file), sha256: inputHash, bytes: bytes ?? nil),
                                     settings: settings)
        report.popen = ideal.popen
        report.trace = ideal.trace
        report.amplitudeHistogram = ideal.amplitudeHistogram
        report.notes = ideal.warnings.map { ReportNote(.warning, $0) }
        if let fit {
            report.dwellHistograms = fit.dwellHistograms
            report.scheme = fit.scheme
            report.rates = fit.rates
            // Wall time lives in timing.json so that reports are byte-identical across runs.
            report.fitQuality = FitQuality(logLikelihood: fit.logLikelihood, rSquared: fit.rSquared, route: fit.route,
                                           iterations: fit.iterations, wallTime: nil)
            report.fitQuality?.rSquaredCeiling = fit.rSquaredCeiling
            report.lossCurve = fit.lossCurve
            report.truthComparison = fit.rates.compactMap { r in
                r.truth.map { TruthRow(quantity: r.name, truth: $0, fit: r.value, unit: r.unit, errorPercent: r.errorPercent) }
            }
            report.notes += fit.notes.map { ReportNote(.warning, $0) }
        }
        return report
    }
}
