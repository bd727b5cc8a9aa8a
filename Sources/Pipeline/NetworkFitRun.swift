import Foundation
import PatchData
import Reports
import StochasticKinetics

/// The seed paper's synthetic benchmarks as a pipeline: simulate a reaction network at its true
/// parameters, then recover the fitted parameters from a wrong start by gradient descent through
/// the differentiable SSA (StochasticKinetics `FitBenchmarks`), and report truth against fit.
struct NetworkFitRun {
    let spec: PipelineSpec

    func run() throws -> RecordingOutcome {
        guard let n = spec.network else { throw PipelineError(file: spec.file, key: "network", reason: "missing section") }
        let size = FitBenchmarkSize(targetTrajectories: n.targetTrajectories, trajectoriesPerIteration: n.trajectories,
                                    iterations: n.iterations)
        let relaxation = ChoiceRelaxation(rawValue: n.relaxation) ?? .allReactions
        let problem = n.benchmark == "oscillator"
            ? try FitBenchmarks.oscillatorProblem(fitted: n.parameters ?? FitBenchmarks.oscillatorRates, startFactors: n.startFactors,
                                                  relaxation: relaxation, temperature: n.temperature)
            : FitBenchmarks.dimerizationProblem(temperature: n.temperature)
        let result = try problem.fit(size: size, seed: n.seed, horizons: n.horizons)
        let name = n.benchmark
        let stageEnds = result.horizons.map { String(format: "%g", $0) }.joined(separator: ", ")
        let folder = (spec.resolve(spec.output) as NSString).appendingPathComponent(name)
        var report = RecordingReport(title: "\(name): differentiable-SSA fit from a wrong start",
                                     input: InputFile(path: "simulated \(name) network (StochasticKinetics benchmark model)",
                                                      sha256: StageCache.hash(data: Data(name.utf8))),
                                     settings: [Setting("pipeline", spec.name), Setting("PatchFit", PatchFitVersion.current),
                                                Setting("target trajectories", String(n.targetTrajectories)),
                                                Setting("trajectories per iteration", String(n.trajectories)),
                                                Setting("iterations", n.horizons.isEmpty ? String(n.iterations)
                                                        : "\(n.iterations) per stage × \(result.horizons.count) stages (curriculum: windows ending by \(stageEnds))"),
                                                Setting("seed", String(n.seed)),
                                                Setting("surrogate softmax", result.options.relaxation == .allReactions
                                                        ? "all competing reactions" : "chosen reaction and runner-up"),
                                                Setting("temperature τ", String(result.options.temperature)),
                                                Setting("optimiser", "Adam 0.05 → 0.005, mean of the last 25 % iterates")])
        report.truthComparison = result.parameters.indices.map { i in
            TruthRow(quantity: result.parameters[i], truth: result.truth[i], fit: result.estimate[i], unit: "",
                     errorPercent: 100 * result.relativeErrors[i])
        }
        report.rates = result.parameters.indices.map { i in
            RateRow(name: result.parameters[i], value: result.estimate[i], unit: "model units", truth: result.truth[i],
                    errorPercent: 100 * result.relativeErrors[i])
        }
        let labels = result.observableNames.map { "mean \($0) per window" }
        var quality = FitQuality(rSquared: zip(labels, result.rSquared).map { LabelledValue($0, $1) },
                                 route: "differentiable SSA (straight-through gradient, window means)",
                                 iterations: result.iterations, wallTime: result.wallSeconds)
        quality.rSquaredCeiling = zip(labels, result.rSquaredAtTruth).map { LabelledValue($0, $1) }
        report.fitQuality = quality
        report.lossCurve = LossCurve(iteration: result.losses.indices.map(Double.init), loss: result.losses,
                                     label: "Σ ((window mean − target)/scale)²")
        report.notes = [ReportNote(.info, "Start values: " + zip(result.parameters, result.start).map { "\($0) = " + String(format: "%.6g", $1) }.joined(separator: ", "))]
        if result.horizons.count > 1 {
            let starts = (1..<result.horizons.count).map { String($0 * n.iterations) }.joined(separator: ", ")
            report.notes.append(ReportNote(.info, "Curriculum: each stage's loss is over its own windows (those ending by "
                + "\(stageEnds) in turn), so the loss curve steps up where a stage adds windows (iterations \(starts))."))
        }
        _ = try ReportWriter.write(report, to: folder)
        try AtomicFile.write(String(format: "{\n  \"fit_wall_seconds\" : %.3f\n}\n", result.wallSeconds),
                             to: (folder as NSString).appendingPathComponent("timing.json"))
        for i in result.parameters.indices {
            print(String(format: "%@: truth %.6g, fit %.6g (%+.3f %%), start %.6g", result.parameters[i], result.truth[i],
                         result.estimate[i], 100 * result.relativeErrors[i], result.start[i]))
        }
        // The batch row's R² is the worst over the observables' window means (no Popen here).
        let outcome = RecordingOutcome(name: name, input: report.input.path, ok: true, message: "", popen: nil,
                                       worstRSquared: result.rSquared.filter(\.isFinite).min(), reportFolder: name)
        try outcome.write(to: folder)
        try PipelineRunner.merge(spec: spec)
        return outcome
    }
}
