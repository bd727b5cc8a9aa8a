import ArgumentParser
import Foundation
import GatingModels
import PatchData
import Pipeline

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a gating scheme to idealised dwells: maximum likelihood and/or differentiable simulation.",
        discussion: """
            Each DWELLS file (SCAN .scn, QuB .dwt, Clampfit events, dwell CSV) is one record; give \
            one --conc per file, or one for all. The resolution is imposed before fitting. The exact \
            route maximises the HJC missed-event likelihood for one channel — groups of openings \
            split at shut times longer than --tcrit (CHS vectors, as HJCFIT) — and, with --channels \
            N > 1, the likelihood of N channels in the patch with levels 0…N open (missed events \
            corrected exactly: a dwell ends at the first sojourn of at least t_res at another level; \
            shut times longer than --tcrit split the record). The SSA route \
            fits by differentiable stochastic simulation of the N channels. \
            Writes to --out: fitted-scheme.yaml, fit.json (rates, rate_sd, log_likelihood, r2, \
            route, iterations, wall_seconds), rates.csv, histograms.csv and pdf-curves.csv.
            """)

    @Argument(help: "Idealised dwell files, one record each.")
    var dwells: [String]

    @Option(help: "Scheme: YAML file (see Data/schemes/), or DCPROGS .mec file (FILE.mec#N for rate set N; see `patchfit scheme list`).")
    var scheme: String

    @Option(parsing: .upToNextOption, help: "Agonist concentration of each record in mol/L (one value, or one per file).")
    var conc: [Double] = []

    @Option(help: "Membrane potential in volts (for voltage-dependent rates).")
    var voltage: Double = 0

    @Option(help: "Resolution t_res in seconds (default: the file's own, if it has one).")
    var resolution: Double?

    @Option(parsing: .upToNextOption, help: "Critical shut time t_crit in seconds that ends a group of openings (one value, or one per file; default: no split).")
    var tcrit: [Double] = []

    @Option(help: "Channels in the patch; a record's level is then the number of open channels.")
    var channels: Int = 1

    @Option(help: "Fit route: exact, ssa or both.")
    var route: FitRoute = .exact

    @Option(help: "Seed for stochastic routes.")
    var seed: UInt64 = 1

    @Option(help: "Maximum likelihood evaluations of the exact route's optimiser.")
    var maxEvaluations: Int = 20_000

    @Option(help: "Exact route's optimiser: bobyqa (quadratic models in a trust region; NLopt), simplex (Nelder–Mead, as HJCFIT), or simplex+bobyqa.")
    var optimizer: ExactFit.Method = .bobyqa

    @Option(help: "Exact route with --channels N > 1: missed-event correction exact (a dwell ends at the first sojourn ≥ t_res at another level), hjc (HJC per level: sojourns < t_res that pass on to a third level timed approximately; faster for large N), or first-order (as QuB's MIL).")
    var patchCorrection: PatchMissedEvents.Correction = .exact

    @Option(help: "Adam iterations of the SSA route.")
    var iterations: Int = 400

    @Option(help: "Bootstrap replicates for the SSA route's rate SDs (0: none).")
    var bootstrap: Int = 8

    @Option(help: "Iterations of each SSA bootstrap replicate (default: as many as --iterations; fewer understate the SDs).")
    var bootstrapIterations: Int?

    @Option(help: "SSA route: simulated intervals per observed interval in each iteration (more: less gradient noise, proportionally more time).")
    var simulationMultiple: Double = 3

    @Option(help: "SSA route's gradient estimator: likelihood-ratio or straight-through.")
    var gradient: SSAGradientEstimator = .likelihoodRatio

    @Flag(help: "Print fit.json to standard output instead of the summary.")
    var json = false

    @Flag(help: "Print nothing but warnings and errors (no progress line, no summary).")
    var quiet = false

    @Option(help: "Output folder (created if missing).")
    var out: String

    var settings: FitSettings {
        var s = FitSettings(resolution: resolution, tCrit: tcrit.count == 1 ? tcrit[0] : nil, channels: channels, route: route,
                            seed: seed, maxEvaluations: maxEvaluations, ssaIterations: iterations, ssaBootstrap: bootstrap,
                            ssaEstimator: gradient, ssaSimulationMultiple: simulationMultiple)
        s.ssaBootstrapIterations = bootstrapIterations
        s.exactMethod = optimizer
        s.patchCorrection = patchCorrection
        return s
    }

    func validate() throws {
        guard !dwells.isEmpty else { throw ValidationError("give at least one dwell file") }
        guard conc.count <= 1 || conc.count == dwells.count else {
            throw ValidationError("--conc needs one value, or one per file (\(dwells.count))")
        }
        guard conc.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw ValidationError("--conc values must be finite and ≥ 0 (mol/L)") }
        guard voltage.isFinite else { throw ValidationError("--voltage must be finite (volts)") }
        guard maxEvaluations > 0 else { throw ValidationError("--max-evaluations must be > 0") }
        guard tcrit.count <= 1 || tcrit.count == dwells.count else {
            throw ValidationError("--tcrit needs one value, or one per file (\(dwells.count))")
        }
        guard tcrit.allSatisfy({ $0.isFinite && $0 > 0 && $0 >= (resolution ?? 0) }) else {
            throw ValidationError("--tcrit values must be finite, > 0 and ≥ --resolution (seconds)")
        }
        do { try KineticFitting.validate(settings) } catch let e as GatingModelsError { throw ValidationError(e.description) }
    }

    func run() throws {
        let model = try GatingScheme(contentsOf: scheme)
        var inputs: [FitInput] = []
        for (i, path) in dwells.enumerated() {
            guard case let .dwells(seq) = try PatchFileReader.read(path) else {
                throw ValidationError("\(path) is a sampled recording; idealise it first (patchfit fit takes dwell files)")
            }
            let c = conc.isEmpty ? 0 : conc[conc.count == 1 ? 0 : i]
            let t = tcrit.count > 1 ? tcrit[i] : nil
            inputs.append(FitInput(seq, conditions: RecordConditions(concentration: c, voltage: voltage), tCrit: t))
        }
        // A live line on a terminal (iteration and objective); nothing in logs.
        let progress = ProgressReporter(total: 1, enabled: !quiet && isatty(STDERR_FILENO) != 0)
        let label = dwells.count == 1 ? dwells[0] : "\(dwells.count) records"
        let results = try KineticFitting.run(model, inputs: inputs, settings: settings) { iteration, value in
            progress.update(label, String(format: "iteration %d, objective %.6g", iteration, value))
        }
        progress.finished(label, ok: true)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var written: [String] = []
        for r in results {
            let suffix = results.count > 1 ? "-\(r.route)" : ""
            let summary = try FitSummary(r).jsonData()
            let likelihood = r.logLikelihood.isFinite ? "log-likelihood \(r.logLikelihood)" : "no likelihood for \(channels) channels of this scheme"
            var files: [(String, Data)] = [("fitted-scheme\(suffix).yaml", Data(r.scheme.yamlString(comment: "Fitted by patchfit fit (route \(r.route)); \(likelihood)").utf8)),
                                           ("fit\(suffix).json", summary), ("rates\(suffix).csv", Data(r.ratesCSV.utf8)),
                                           ("histograms\(suffix).csv", Data(r.histogramCSV.utf8)), ("pdf-curves\(suffix).csv", Data(r.pdfCSV.utf8))]
            if !r.lossCurve.isEmpty { files.append(("loss-curve\(suffix).csv", Data(r.lossCurveCSV.utf8))) }
            for (name, data) in files { try AtomicFile.write(data, to: path(name)) }
            written += files.map(\.0)
            for w in r.warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
            if json {
                print(String(decoding: summary, as: UTF8.self))
            } else if !quiet {
                if r.route != results[0].route { print("") }
                print(r.terminalSummary)
            }
        }
        if !json && !quiet { print("\nwrote \(out): " + written.joined(separator: ", ")) }
    }

    private func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }
}

extension FitRoute: ExpressibleByArgument {}
extension SSAGradientEstimator: ExpressibleByArgument {}
extension ExactFit.Method: ExpressibleByArgument {}
extension PatchMissedEvents.Correction: ExpressibleByArgument {}
