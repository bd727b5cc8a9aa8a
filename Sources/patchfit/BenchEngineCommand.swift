import ArgumentParser
import Foundation
import StochasticKinetics

/// `patchfit bench engine`: steps/s of the exact SSA and of its straight-through gradient.
struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure SSA steps/s per core (forward, and forward+backward) on three models.",
        discussion: """
        Models: channel3 (C1<->C2<->O, one channel), dimerization (2A <-> A2), oscillator \
        (Vilar 2002). Each runs on 1 thread and on all cores; the loss for the gradient is the \
        time average of one observable (O, A, R). "forward+backward" is a whole fit step: the         gradient's forward ("its forward", which with --relaxation runner-up also records each         event's runner-up), the loss's adjoint and the reverse pass ("backward alone").
        """
    )

    @Flag(help: "Print a JSON array of {model, threads, forward_steps_per_second_per_core, gradient_steps_per_second_per_core, gradient_forward_steps_per_second_per_core, backward_steps_per_second_per_core, ...}.")
    var json = false

    @Option(help: "Events per trajectory.")
    var events = 100_000

    @Option(help: "Trajectories per thread.")
    var trajectoriesPerThread = 8

    @Option(help: "Only this model (channel3, dimerization, oscillator, or chainN: N-state chain with N molecules); default the first three.")
    var model: String?

    @Option(help: "Reaction selection: direct, sorting or automatic (sorting above 16 reactions).")
    var selection = "automatic"

    @Flag(help: "Draw waiting times by the ziggurat instead of -log(u) (faster; a different stream per seed).")
    var ziggurat = false

    @Option(help: "The choice's surrogate softmax: all (every competing reaction) or runner-up (the chosen reaction and the race's runner-up).")
    var relaxation = "all"

    @Option(help: "The softmax temperature τ of the gradient (speed runs, the dimerization and oscillator fits, --gradient-check; 0.5 has a fast path).")
    var temperature = 0.5

    @Option(help: "The truncation K of the state adjoint (a number, or none) for speed runs and the star fit (default 1); the dimerization and oscillator fits and --gradient-check are untruncated unless it is given.")
    var truncation: String?

    @Option(help: "Repeats (best time is reported).")
    var repeats = 3

    @Flag(help: "Instead of speed: measure the bias/variance of the channel3 Popen gradient vs τ, K and horizon (Markdown table).")
    var gradientBias = false

    @Option(help: "Events per setting of the gradient-bias sweep.")
    var biasEvents = 2_000_000

    @Option(help: "With --gradient-bias: the expected observable, popen (stationary Popen) or shut-time (mean shut time).")
    var biasQuantity = "popen"

    @Option(help: "With --gradient-bias: channel3 (C1<->C2<->O, two competing exits at most) or star (one channel, closed state with three exits; Popen only). --relaxation applies.")
    var biasModel = "channel3"

    @Flag(help: "Instead of speed: run the dimerization and oscillator fitting benchmarks (full size).")
    var fits = false

    @Option(help: "With --fits: run only this model (dimerization, oscillator, or star: one channel whose closed state has three exits, its three opening rates; not in the default set).")
    var fitModel: String?

    @Option(help: "With --fits: seed of the fit (the target uses seed + 1000003).")
    var fitSeed: UInt64 = 1

    @Option(help: "With --fits: gradient iterations (default 1000 for the dimerization, 100 for the oscillator, 400 for the star).")
    var fitIterations: Int?

    @Option(help: "With --fits: the target ensemble's size (default 400000 for the dimerization, 800 for the oscillator).")
    var fitTarget: Int?

    @Option(help: "With --fits or --gradient-check: the oscillator's rates to recover, comma-separated (default betaA,deltaR; started × 1.3, × 0.75, … in this order; the rest held at truth).")
    var fitParameters: String?

    @Option(help: "With --fits or --gradient-check: the oscillator rates' starts as multiples of the truth, comma-separated, one per --fit-parameters entry (default 1.3,0.75,1.3,…).")
    var fitStartFactors: String?

    @Option(help: "With --fits (dimerization, oscillator): a curriculum, comma-separated horizons in model time (e.g. 3,6,9 for the oscillator's hours): each stage fits the windows that end by its horizon from the previous stage's estimate, a last stage all of them; --fit-iterations per stage.")
    var fitHorizons: String?

    @Flag(help: "Instead of speed: the straight-through gradient of a --fit-model's loss at its start against central finite differences (same ensembles), per fitted rate.")
    var gradientCheck = false

    @Option(help: "With --gradient-check: trajectories per ensemble (the target's too, unless --fit-target).")
    var checkTrajectories = 4000

    @Option(help: "With --gradient-check: the finite-difference step h in log(rate).")
    var checkStep = 0.1

    func validate() throws {
        if let m = model, !BenchmarkModels.all.contains(where: { $0.name == m }),
           !(m.hasPrefix("chain") && (Int(m.dropFirst(5)) ?? 0) >= 2) {
            throw ValidationError("--model must be channel3, dimerization, oscillator or chainN (N ≥ 2)")
        }
        guard ["direct", "sorting", "automatic"].contains(selection) else {
            throw ValidationError("--selection must be direct, sorting or automatic")
        }
        guard ChoiceRelaxation(rawValue: relaxation) != nil else {
            throw ValidationError("--relaxation must be one of \(ChoiceRelaxation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard biasQuantity == "popen" || biasQuantity == "shut-time" else {
            throw ValidationError("--bias-quantity must be popen or shut-time")
        }
        guard biasModel == "channel3" || (biasModel == "star" && biasQuantity == "popen") else {
            throw ValidationError("--bias-model must be channel3, or star with --bias-quantity popen")
        }
        if let m = fitModel, !["dimerization", "oscillator", "star"].contains(m) {
            throw ValidationError("--fit-model must be dimerization, oscillator or star")
        }
        if let t = truncation, t != "none", (Int(t) ?? -1) < 0 {
            throw ValidationError("--truncation must be a whole number ≥ 0 or none")
        }
        guard temperature > 0, temperature.isFinite else {
            throw ValidationError("--temperature must be a positive number")
        }
        if let n = fitTarget, n < 1 { throw ValidationError("--fit-target must be positive") }
        if let factors = fitStartFactors { _ = try Self.parseNumbers(factors, option: "--fit-start-factors") }
        if let horizons = fitHorizons {
            guard try Self.parseNumbers(horizons, option: "--fit-horizons").allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ValidationError("--fit-horizons must be positive numbers")
            }
            guard fitModel != "star" else { throw ValidationError("--fit-horizons applies to the dimerization and oscillator fits") }
        }
        if fitParameters != nil || fitStartFactors != nil, fitModel == "dimerization" || fitModel == "star" {
            throw ValidationError("--fit-parameters and --fit-start-factors apply to --fit-model oscillator only")
        }
        if gradientCheck {
            guard checkTrajectories > 0, checkStep > 0, checkStep.isFinite else {
                throw ValidationError("--check-trajectories and --check-step must be positive")
            }
            guard fitModel == nil || fitModel == "oscillator" || fitModel == "dimerization" else {
                throw ValidationError("--gradient-check takes --fit-model oscillator or dimerization")
            }
        }
        if let n = fitIterations, n < 4 { throw ValidationError("--fit-iterations must be at least 4") }
        guard events > 0, trajectoriesPerThread > 0, repeats > 0 else {
            throw ValidationError("--events, --trajectories-per-thread and --repeats must be positive")
        }
    }

    /// --fit-parameters as a list of names.
    var fittedRates: [String] {
        fitParameters.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            ?? FitBenchmarks.oscillatorRates
    }

    /// A comma-separated list of numbers ("1.3, 0.75" → [1.3, 0.75]) given to `option`.
    static func parseNumbers(_ text: String, option: String) throws -> [Double] {
        try text.split(separator: ",").map { item in
            guard let v = Double(item.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("\(option): not a number: \(item)")
            }
            return v
        }
    }

    var choiceRelaxation: ChoiceRelaxation { ChoiceRelaxation(rawValue: relaxation) ?? .allReactions }

    /// The gradient options of speed runs and the star fit: --temperature, --truncation (K = 1 by
    /// default), --relaxation.
    var gradientOptions: GradientOptions {
        let k: Int? = truncation.map { $0 == "none" ? nil : Int($0) } ?? 1
        return GradientOptions(temperature: temperature, truncation: k, relaxation: choiceRelaxation)
    }

    func run() throws {
        if gradientBias { return try runGradientBias() }
        if fits { return try runFits() }
        if gradientCheck { return try runGradientCheck() }
        let all = ParallelEnsemble.defaultThreads
        var results: [EngineThroughput] = []
        var models = BenchmarkModels.all.filter { self.model == nil || self.model == $0.name }
        if let m = self.model, m.hasPrefix("chain"), let n = Int(m.dropFirst(5)) {
            models = [BenchmarkModels.chain(states: n, molecules: n)]
        }
        let method: SSASelection = selection == "direct" ? .direct : selection == "sorting" ? .sortingDirect : .automatic
        for model in models {
            for threads in Set([1, all]).sorted() {
                let r = try EngineBenchmark.measure(model: model.name, network: model.network, observable: model.observable,
                                                    eventsPerTrajectory: events, trajectories: trajectoriesPerThread * threads,
                                                    threads: threads, repeats: repeats, options: gradientOptions,
                                                    selection: method,
                                                    waitingTimes: ziggurat ? .ziggurat : .inverseTransform)
                results.append(r)
                if !json {
                    print(String(format: "%-13@ threads %d  forward %6.2f M steps/s/core (%6.2f total, %6.2f per CPU-s)   forward+backward %6.2f M steps/s/core (%6.2f total, %6.2f per CPU-s)   [its forward %6.2f, backward alone %6.2f, loss adjoint alone %6.2f M steps/s/core]",
                                 model.name, threads, r.forwardStepsPerSecondPerCore / 1e6,
                                 r.forwardStepsPerSecondPerCore * Double(threads) / 1e6, r.forwardStepsPerCPUSecond / 1e6,
                                 r.gradientStepsPerSecondPerCore / 1e6, r.gradientStepsPerSecondPerCore * Double(threads) / 1e6,
                                 r.gradientStepsPerCPUSecond / 1e6, r.gradientForwardStepsPerSecondPerCore / 1e6,
                                 r.backwardStepsPerSecondPerCore / 1e6, r.lossAdjointStepsPerSecondPerCore / 1e6))
                }
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        }
    }

    /// Popen of channel3 is a stationary time average of O; its exact gradient is known.
    func runGradientBias() throws {
        if biasModel == "star" { return try runStarGradientBias() }
        let model = BenchmarkModels.channel3
        let forward = [1000.0, 2000], backward = [500.0, 800]
        if biasQuantity == "shut-time" {
            // Mean shut time (C1, C2 entered at C2) = (k12 + k21)/(k12·k23); shut = level 0 of O.
            let exact = LinearChain.meanPassageTimeGradient(forward: forward, backward: backward, from: 1)
            let pi = LinearChain.stationaryDistribution(forward: forward, backward: backward)
            let eventRate = pi[0] * 1000 + pi[1] * 2500 + pi[2] * 800
            print("mean shut time \(LinearChain.meanPassageTime(forward: forward, backward: backward, from: 1)) s; exact ∂/∂log k (k12, k21, k23, k32): \(exact)")
            let rows = try GradientBiasStudy.meanDwellSweep(network: model.network, observable: model.observable, level: 0,
                                                            exactGradient: exact, eventRate: eventRate,
                                                            eventsPerSetting: biasEvents) { row in
                FileHandle.standardError.write(Data("τ \(row.temperature) K \(row.truncation.map(String.init) ?? "none") events \(Int(row.eventsPerTrajectory)): bias \(row.relativeBias)\n".utf8))
            }
            print(GradientBiasStudy.markdownTable(rows, parameterNames: ["k12", "k21", "k23", "k32"]))
            return
        }
        let exact = LinearChain.stationaryAverageGradient(forward: forward, backward: backward, weights: [0, 0, 1])
        let pi = LinearChain.stationaryDistribution(forward: forward, backward: backward)
        let eventRate = pi[0] * 1000 + pi[1] * 2500 + pi[2] * 800          // mean exits per second
        print("exact ∂Popen/∂log k (k12, k21, k23, k32): \(exact)")
        let rows = try GradientBiasStudy.sweep(network: model.network, observable: model.observable, exactGradient: exact,
                                               eventRate: eventRate, burnIn: 0.01,
                                               settings: GradientBiasStudy.standardSettings(relaxation: choiceRelaxation),
                                               eventsPerSetting: biasEvents) { row in
            FileHandle.standardError.write(Data("τ \(row.temperature) K \(row.truncation.map(String.init) ?? "none") events \(Int(row.eventsPerTrajectory)): bias \(row.relativeBias)\n".utf8))
        }
        print(GradientBiasStudy.markdownTable(rows, parameterNames: ["k12", "k21", "k23", "k32"]))
    }

    /// Popen of a single channel whose closed state has three exits (StarChannel): where the
    /// choice's softmax runs over three reactions, so the relaxation matters.
    func runStarGradientBias() throws {
        let opening = [2000.0, 1500, 600], closing = [3000.0, 800, 5000]
        let network = try StarChannel.network(opening: opening, closing: closing)
        let exact = StarChannel.openProbabilityGradient(opening: opening, closing: closing)
        print("star channel C -> O1, O2, O3 at \(opening), back at \(closing) /s; softmax: \(relaxation); exact ∂Popen/∂log (c1, o1, c2, o2, c3, o3): \(exact)")
        let rows = try GradientBiasStudy.sweep(network: network, observable: Observable(weights: [0, 1, 1, 1]), exactGradient: exact,
                                               eventRate: StarChannel.eventRate(opening: opening, closing: closing), burnIn: 0.01,
                                               settings: GradientBiasStudy.standardSettings(relaxation: choiceRelaxation),
                                               eventsPerSetting: biasEvents) { row in
            FileHandle.standardError.write(Data("τ \(row.temperature) K \(row.truncation.map(String.init) ?? "none") events \(Int(row.eventsPerTrajectory)): bias \(row.relativeBias)\n".utf8))
        }
        print(GradientBiasStudy.markdownTable(rows, parameterNames: ["c1", "o1", "c2", "o2", "c3", "o3"]))
    }

    /// The dimerization or oscillator fitting problem as the options set it: --fit-parameters and
    /// --fit-start-factors (oscillator), --relaxation, --temperature, and --truncation when given
    /// (these fits are otherwise untruncated).
    func benchmarkProblem(_ name: String) throws -> FitBenchmarkProblem {
        var problem = name == "dimerization"
            ? FitBenchmarks.dimerizationProblem(temperature: temperature)
            : try FitBenchmarks.oscillatorProblem(fitted: fittedRates, startFactors: try fitStartFactors.map { try Self.parseNumbers($0, option: "--fit-start-factors") },
                                                  relaxation: choiceRelaxation, temperature: temperature)
        if truncation != nil { problem.options.truncation = gradientOptions.truncation }
        return problem
    }

    /// --fit-horizons as numbers (validated in `validate`).
    var curriculum: [Double] {
        fitHorizons.flatMap { try? Self.parseNumbers($0, option: "--fit-horizons") } ?? []
    }

    /// The paper's synthetic benchmarks, recovered from wrong starts by gradient descent.
    func runFits() throws {
        var results: [(String, FitBenchmarkResult)] = []
        if fitModel == "star" {
            results.append(("star", try FitBenchmarks.star(
                size: FitBenchmarkSize(targetTrajectories: fitTarget ?? 1_000_000, trajectoriesPerIteration: 2000, iterations: fitIterations ?? 400),
                seed: fitSeed, options: gradientOptions)))
        }
        if fitModel == nil || fitModel == "dimerization" {
            results.append(("dimerization", try benchmarkProblem("dimerization").fit(
                size: FitBenchmarkSize(targetTrajectories: fitTarget ?? 400_000, trajectoriesPerIteration: 512, iterations: fitIterations ?? 1000), seed: fitSeed,
                horizons: curriculum)))
        }
        if fitModel == nil || fitModel == "oscillator" {
            results.append(("oscillator", try benchmarkProblem("oscillator").fit(
                size: FitBenchmarkSize(targetTrajectories: fitTarget ?? 800, trajectoriesPerIteration: 24, iterations: fitIterations ?? 100), seed: fitSeed,
                horizons: curriculum)))
        }
        for (name, r) in results {
            let o = r.options
            let stages = r.horizons.count > 1 ? " (curriculum: stages to \(r.horizons.map { String(format: "%g", $0) }.joined(separator: ", ")))" : ""
            print("\(name): target ensemble \(r.targetTrajectories), \(r.trajectoriesPerIteration) trajectories × \(r.iterations) iterations\(stages), softmax \(o.relaxation.rawValue), τ \(o.temperature), K \(o.truncation.map(String.init) ?? "none"), wall \(String(format: "%.1f", r.wallSeconds)) s")
            for k in r.parameters.indices {
                print(String(format: "  %-8@ truth %10.5g  start %10.5g  estimate %10.5g  error %+.3f %%",
                             r.parameters[k], r.truth[k], r.start[k], r.estimate[k], 100 * r.relativeErrors[k]))
            }
            for (o, name) in r.observableNames.enumerated() {
                print(String(format: "  R² of mean %@ per window: %.5f (the true rates on an ensemble of the target's size: %.5f)",
                             name, r.rSquared[o], r.rSquaredAtTruth[o]))
            }
        }
    }
}
