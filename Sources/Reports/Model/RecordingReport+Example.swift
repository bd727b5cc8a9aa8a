import Foundation

// A realistic-looking report built from made-up numbers, for tests, documentation and the
// README picture. Nothing here is fitted: the "data" are drawn from fixed shapes with a fixed
// seed, and the "fit" values are written in by hand close to the shapes' true values.

extension RecordingReport {
    /// An example report of a CH82-like five-state nicotinic receptor scheme (two open states),
    /// every section filled. Same value on every call and every machine.
    public static var example: RecordingReport {
        var random = ExampleRandom(seed: 20_260_101)
        let tres = 40e-6
        let openTaus = [(tau: 0.22e-3, weight: 0.35), (tau: 1.9e-3, weight: 0.65)]
        let shutTaus = [(tau: 0.06e-3, weight: 0.55), (tau: 1.1e-3, weight: 0.25), (tau: 48e-3, weight: 0.20)]
        let open = exampleDwellHistogram(.open, taus: openTaus, total: 9_000, tres: tres, r2: 0.991, random: &random)
        let shut = exampleDwellHistogram(.shut, taus: shutTaus, total: 9_000, tres: tres, r2: 0.984, random: &random)
        let rates: [(String, Double, Double, String, Double)] = [
            ("α2", 2_068, 61, "s⁻¹", 2_000), ("β2", 52_400, 2_100, "s⁻¹", 52_000),
            ("α1", 6_230, 410, "s⁻¹", 6_000), ("β1", 48.3, 4.1, "s⁻¹", 50),
            ("k−2", 1_470, 95, "s⁻¹", 1_500), ("k+2", 4.81e8, 0.32e8, "M⁻¹s⁻¹", 5.0e8),
            ("k−1", 2_050, 120, "s⁻¹", 2_000), ("k+1", 0.97e8, 0.08e8, "M⁻¹s⁻¹", 1.0e8),
        ]
        let rateRows = rates.map { RateRow(name: $0.0, value: $0.1, sd: $0.2, unit: $0.3, truth: $0.4,
                                           errorPercent: ($0.1 - $0.4) / $0.4 * 100) }
        func label(_ i: Int) -> RateLabel { RateLabel(name: rates[i].0, value: rates[i].1, sd: rates[i].2, unit: rates[i].3) }
        let scheme = SchemeDiagram(states: [
            SchemeState(name: "A2R*", isOpen: true, column: 2, row: 0),
            SchemeState(name: "AR*", isOpen: true, column: 1, row: 0),
            SchemeState(name: "A2R", isOpen: false, column: 2, row: 1),
            SchemeState(name: "AR", isOpen: false, column: 1, row: 1),
            SchemeState(name: "R", isOpen: false, column: 0, row: 1),
        ], transitions: [
            SchemeTransition(from: 0, to: 2, forward: label(0), backward: label(1)),
            SchemeTransition(from: 1, to: 3, forward: label(2), backward: label(3)),
            SchemeTransition(from: 2, to: 3, forward: label(4), backward: label(5)),
            SchemeTransition(from: 3, to: 4, forward: label(6), backward: label(7)),
        ])
        let loss = (0..<600).map { i -> Double in
            (0.018 + 2.4 * exp(-Double(i) / 55)) * exp(0.08 * random.gaussian())
        }
        return RecordingReport(
            title: "Example report: nAChR-like patch (made-up numbers)",
            input: InputFile(path: "Data/example-ch82.nwb",
                             sha256: "3f7a9c2e5b1d4f60a8e2c7b9d3f1a6e4c8b2d0f9e7a5c3b1d9f7e5a3c1b9d7f5", bytes: 9_612_544),
            settings: [
                Setting("pipeline", "Pipelines/demo.yaml"), Setting("channel", "Im (pA), 50 kHz"),
                Setting("filter", "Gaussian low-pass, fc = 4 kHz"), Setting("baseline", "running median, 200 ms"),
                Setting("idealisation", "SKM, levels 0 and −5.1 pA"), Setting("resolution", "t_res = 40 µs"),
                Setting("t_crit", "3.5 ms"), Setting("scheme", "CH82 (5 states), agonist 100 nM"),
                Setting("fit route", "differentiable SSA, then exact likelihood"), Setting("seed", "42"),
                Setting("code version", "patchfit 0.1.0"),
            ],
            status: .ok, popen: 0.1423,
            trace: exampleTrace(random: &random),
            amplitudeHistogram: exampleAmplitudes(random: &random),
            dwellHistograms: [open, shut], scheme: scheme, rates: rateRows,
            fitQuality: FitQuality(logLikelihood: 48_213.47, rSquared: [LabelledValue(open.title, 0.991), LabelledValue(shut.title, 0.984)],
                                   route: "differentiable SSA (600 iterations) + exact-likelihood polish (HJC)",
                                   iterations: 600, wallTime: 41.3),
            lossCurve: LossCurve(iteration: (0..<600).map(Double.init), loss: loss, label: "quantile + occupancy loss"),
            truthComparison: rateRows.map { TruthRow(quantity: $0.name, truth: $0.truth ?? .nan, fit: $0.value, unit: $0.unit, errorPercent: $0.errorPercent) }
                + [TruthRow(quantity: "Popen", truth: 0.1400, fit: 0.1423, unit: "", errorPercent: 1.6)],
            notes: [
                ReportNote(.info, "Numbers in this example are made up to show the layout; they come from no recording."),
                ReportNote(.warning, "k+1 and k−1 are correlated (r = 0.93): the data constrain their ratio better than each alone."),
            ])
    }

    // MARK: - Pieces

    static func exampleTrace(random: inout ExampleRandom) -> TraceExcerpt {
        let dt = 50e-6, start = 2.0, count = 3_000
        var segments: [IdealisedSegment] = []
        var t = start, isOpen = false
        while t < start + Double(count) * dt {
            let mean = isOpen ? 1.4e-3 : (random.uniform() < 0.7 ? 0.4e-3 : 12e-3)
            let end = min(t + max(dt, -mean * log(1 - random.uniform())), start + Double(count) * dt)
            segments.append(IdealisedSegment(start: t, end: end, level: isOpen ? -5.1 : 0))
            t = end
            isOpen.toggle()
        }
        var time: [Double] = [], current: [Double] = []
        var segment = 0, previous = 0.0
        for i in 0..<count {
            let ti = start + Double(i) * dt
            while segment + 1 < segments.count && segments[segment].end <= ti { segment += 1 }
            // One-pole smoothing stands in for the recording filter's rounded edges.
            previous += 0.45 * (segments[segment].level - previous)
            time.append(ti)
            current.append(previous + 0.45 * random.gaussian())
        }
        return TraceExcerpt(time: time, current: current, idealised: segments,
                            windowLabel: "2.000–2.150 s of 60.0 s; filtered at 4 kHz; 50 µs sampling")
    }

    static func exampleAmplitudes(random: inout ExampleRandom) -> AmplitudeHistogram {
        let edges = (0...100).map { -8.0 + 0.1 * Double($0) }
        let truth = [(mean: 0.0, sd: 0.47, weight: 0.857), (mean: -5.1, sd: 0.58, weight: 0.143)]
        let counts = (0..<100).map { i -> Double in
            let x = (edges[i] + edges[i + 1]) / 2
            let expected = truth.reduce(0.0) { $0 + 120_000 * $1.weight * 0.1 * exp(-0.5 * pow((x - $1.mean) / $1.sd, 2)) / ($1.sd * 2.5066) }
            return max(0, (expected + expected.squareRoot() * random.gaussian()).rounded())
        }
        return AmplitudeHistogram(binEdges: edges, counts: counts, components: [
            GaussianComponent(mean: 0.01, sd: 0.47, weight: 0.856, label: "shut"),
            GaussianComponent(mean: -5.09, sd: 0.59, weight: 0.144, label: "open"),
        ])
    }

    static func exampleDwellHistogram(_ kind: DwellKind, taus: [(tau: Double, weight: Double)], total: Double, tres: Double,
                                      r2: Double, random: inout ExampleRandom) -> DwellHistogram {
        let perDecade = 10.0
        let edges = (0...50).map { pow(10, -5 + Double($0) / perDecade) }
        // Expected count per bin for a mixture of exponentials, with events shorter than about
        // t_res missed (a smooth cut-off stands in for the real correction).
        func expected(_ a: Double, _ b: Double) -> Double {
            taus.reduce(0.0) { $0 + total * $1.weight * (exp(-a / $1.tau) - exp(-b / $1.tau)) }
        }
        func seen(_ t: Double) -> Double { 1 / (1 + exp(-(t - 1.6 * tres) / (0.35 * tres))) }
        let counts = (0..<50).map { i -> Double in
            let e = expected(edges[i], edges[i + 1]) * seen((edges[i] + edges[i + 1]) / 2)
            return max(0, (e + e.squareRoot() * random.gaussian()).rounded())
        }
        let grid = (0...200).map { pow(10, -5 + 5 * Double($0) / 200) }
        let binFactor = log(10) / perDecade   // count per log bin = N f(t) t ln10 Δlog10 t
        let ideal = grid.map { t in taus.reduce(0.0) { $0 + total * $1.weight * (t / $1.tau) * exp(-t / $1.tau) } * binFactor }
        let apparentGrid = grid.filter { $0 >= tres }
        // "Apparent": the ideal shape with the same smooth cut-off and slightly longer
        // time constants, as missed short events would give.
        let apparent = apparentGrid.map { t in
            taus.reduce(0.0) { $0 + total * $1.weight * (t / ($1.tau * 1.06)) * exp(-t / ($1.tau * 1.06)) } * binFactor * seen(t)
        }
        return DwellHistogram(kind: kind, classLabel: kind == .open ? "class 1 (−5.1 pA)" : "class 0",
                              binEdges: edges, counts: counts, idealPDF: CurveTable(t: grid, value: ideal),
                              apparentPDF: CurveTable(t: apparentGrid, value: apparent), rSquared: r2, resolution: tres)
    }
}

extension BatchIndex {
    /// An example batch of three recordings, one of which failed, plus an unsupported file.
    public static var example: BatchIndex {
        let report = RecordingReport.example
        return BatchIndex(title: "Batch: Pipelines/lab-batch.yaml", recordings: [
            BatchRow(report: report, name: "patch-01.nwb", reportFolder: "patch-01"),
            BatchRow(name: "patch-02.abf", status: .ok, popen: 0.0871, worstRSquared: 0.962, reportFolder: "patch-02"),
            BatchRow(name: "patch-03.abf", status: .failed, reportFolder: nil),
        ], failures: [
            BatchFailure(file: "patch-03.abf", reason: "truncated: data section ends at byte 81920 but the header promises 163840"),
            BatchFailure(file: "notes.docx", reason: "unrecognised format: magic bytes 50 4B 03 04 belong to no supported format"),
        ], settings: [Setting("pipeline", "Pipelines/lab-batch.yaml"), Setting("code version", "patchfit 0.1.0")])
    }
}

/// SplitMix64 with a fixed seed: the example's only source of "noise".
struct ExampleRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = max(uniform(), 1e-300), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
