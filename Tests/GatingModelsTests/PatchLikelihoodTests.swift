import Foundation
import PatchData
import XCTest
import GatingModels

/// The N-channel likelihood (a patch of identical independent channels, first-order
/// missed-event correction): the aggregate process against the multinomial, the corrected
/// generator against the two-class one and a closed form, then fits of simulated patches.
final class PatchLikelihoodTests: XCTestCase {
    /// Aggregate state counts C(k + N − 1, N); rows of the aggregate Q sum to zero; its
    /// equilibrium, solved as any Q-matrix's, is the multinomial of the single channel's p∞;
    /// one channel gives back the scheme's Q.
    func testAggregateProcessOfIndependentChannels() throws {
        let q = try ch82().qMatrix(ch82Conditions)
        for (n, count) in [(1, 5), (2, 15), (3, 35)] {
            let patch = try ChannelPatch(q, channels: n)
            XCTAssertEqual(patch.stateCount, count)
            for s in patch.matrix.rowSums { XCTAssertEqual(s, 0, accuracy: 1e-6) }
            let solved = try QMatrix(patch.matrix, conductanceClasses: patch.levels.map { $0 > 0 ? 1 : 0 }).equilibriumOccupancies()
            let multinomial = try patch.equilibrium()
            XCTAssertEqual(multinomial.reduce(0, +), 1, accuracy: 1e-12)
            for i in solved.indices { XCTAssertEqual(solved[i], multinomial[i], accuracy: 1e-10, "N = \(n), state \(patch.occupancies[i])") }
            // Mean open channels = N·Popen.
            let meanOpen = zip(patch.levels, multinomial).reduce(0) { $0 + Double($1.0) * $1.1 }
            XCTAssertEqual(meanOpen, Double(n) * (try q.popen()), accuracy: 1e-12)
        }
        let one = try ChannelPatch(q, channels: 1)
        for i in 0..<5 { for j in 0..<5 { XCTAssertEqual(one.matrix[i, j], q.matrix[i, j], accuracy: 1e-9 * abs(q.matrix[i, i])) } }
    }

    /// One channel: the multi-level correction is the two-class first-order generator
    /// (`MissedEventsTheory.firstOrderQ`, built from the HJC survivor functions) block by block.
    func testOneChannelGivesTheTwoClassFirstOrderGenerator() throws {
        let q = try ch82().qMatrix(ch82Conditions)
        let tau = 100e-6
        let reference = try MissedEventsTheory(q, resolution: tau).firstOrderQ
        let patch = try PatchMissedEvents(try ChannelPatch(q, channels: 1), resolution: tau, correction: .firstOrder)
        let shut = patch.levelStates[0], open = patch.levelStates[1]
        XCTAssertEqual(shut, q.shutStates)
        XCTAssertEqual(open, q.openStates)
        func check(_ m: Matrix, _ rows: [Int], _ cols: [Int], _ what: String) {
            for (x, i) in rows.enumerated() { for (y, j) in cols.enumerated() {
                XCTAssertEqual(m[x, y], reference[i, j], accuracy: 1e-9 * max(abs(reference[i, j]), 1), "\(what) [\(i), \(j)]")
            } }
        }
        check(patch.within[0], shut, shut, "eQ_FF")
        check(patch.within[1], open, open, "eQ_AA")
        check(patch.between[0][1], shut, open, "eQ_FA")
        check(patch.between[1][0], open, shut, "eQ_AF")
        // Its apparent open-time pdf has the two-class first-order time constants.
        let entry = try patch.entryDistributions()
        let pdf = patch.dwellTimePDF(level: 1, entry: entry[1]), reference2 = try MissedEventsTheory(q, resolution: tau).firstOrderOpenTimePDF()
        for i in 0..<2 { XCTAssertEqual(pdf.rates[i], reference2.rates[i], accuracy: 1e-9 * reference2.rates[i]) }
    }

    /// Two C ⇌ O channels (opening β, shutting α): every level is one aggregate state (CC, CO,
    /// OO), so the corrected generator and the likelihood of a short record have closed forms.
    func testTwoChannelsOfATwoStateSchemeInClosedForm() throws {
        let alpha = 700.0, beta = 1300.0, tau = 80e-6
        let scheme = try GatingScheme(yaml: """
            name: CO
            states:
              - {name: C, class: 0}
              - {name: O, class: 1, amplitude: 1.0}
            rates:
              - {name: beta, from: C, to: O, value: \(beta)}
              - {name: alpha, from: O, to: C, value: \(alpha)}

            """)
        let theory = try PatchMissedEvents(try ChannelPatch(try scheme.qMatrix(RecordConditions()), channels: 2), resolution: tau,
                                           correction: .firstOrder)
        // ∫₀^τ e^{−λs} ds per level's exit rate λ, and survival e^{−λτ}.
        func m(_ l: Double) -> Double { (1 - exp(-l * tau)) / l }
        let m0 = m(2 * beta), m1 = m(alpha + beta), m2 = m(2 * alpha)
        let s0 = exp(-2 * beta * tau), s1 = exp(-(alpha + beta) * tau), s2 = exp(-2 * alpha * tau)
        let eQ: [[Double]] = [
            [-2 * beta + 2 * beta * m1 * alpha, 2 * beta * s1, 2 * beta * m1 * beta * s2],
            [alpha * s0, -(alpha + beta) + alpha * m0 * 2 * beta + beta * m2 * 2 * alpha, beta * s2],
            [2 * alpha * m1 * alpha * s0, 2 * alpha * s1, -2 * alpha + 2 * alpha * m1 * beta],
        ]
        for a in 0..<3 {
            XCTAssertEqual(theory.within[a][0, 0], eQ[a][a], accuracy: 1e-12 * abs(eQ[a][a]))
            for c in 0..<3 where c != a { XCTAssertEqual(theory.between[a][c][0, 0], eQ[a][c], accuracy: 1e-12 * eQ[a][c]) }
        }
        // A stretch 0 → 1 → 2 → 1 → 0 → 1: the first interval's length unknown, the last unused.
        let levels = [0, 1, 2, 1, 0, 1], durations = [5e-3, 4e-4, 2e-4, 1.1e-3, 9e-4, 3e-3]
        var expected = log(eQ[0][1] / -eQ[0][0])
        for i in 1..<5 { expected += eQ[levels[i]][levels[i]] * (durations[i] - tau) + log(eQ[levels[i]][levels[i + 1]]) }
        let dwells = zip(levels, durations).map { Dwell(level: $0, amplitude: Double($0), duration: $1) }
        let record = try PatchRecord(DwellSequence(dwells: dwells, resolution: tau, provenance: Provenance(file: "co.csv", format: .synthetic)),
                                     conditions: RecordConditions(), resolution: tau, channels: 2)
        XCTAssertEqual(record.stretches.count, 1)
        XCTAssertEqual(try PatchLikelihood.logLikelihood(scheme, records: [record], correction: .firstOrder), expected,
                       accuracy: 1e-10 * abs(expected))
        // Each level's apparent pdf is one exponential from τ at rate −eQ_aa.
        let entry = try theory.entryDistributions()
        for a in 0..<3 {
            let pdf = theory.dwellTimePDF(level: a, entry: entry[a])
            XCTAssertEqual(pdf.rates[0], -eQ[a][a], accuracy: 1e-9 * -eQ[a][a])
            XCTAssertEqual(pdf.areas[0], 1, accuracy: 1e-12)
        }
    }

    /// One channel with a t_crit: stretches between shut times longer than t_crit start and end
    /// with the CHS vectors, so the N-channel likelihood with N = 1 is HJCFIT's, computed by
    /// the other code path (`LikelihoodRecord` groups, `MissedEventsTheory.chsVectors`): CH82
    /// simulated for 200 s, trimmed to start and end with long shuttings, t_crit 4 ms.
    func testOneChannelWithTCritIsTheHJCFITLikelihood() throws {
        let scheme = try ch82()
        let raw = try SchemeSimulation.dwellSequence(scheme, conditions: ch82Conditions, channels: 1, duration: 200,
                                                     resolution: 1e-4, seed: 8).dwells
        let tCrit = 4e-3
        let long = raw.indices.filter { raw[$0].level == 0 && raw[$0].duration > tCrit }
        let first = try XCTUnwrap(long.first), last = try XCTUnwrap(long.last)
        let trimmed = DwellSequence(dwells: Array(raw[first...last]), resolution: 1e-4,
                                    provenance: Provenance(file: "ch82.csv", format: .synthetic))
        let patch = try PatchRecord(trimmed, conditions: ch82Conditions, resolution: 1e-4, tCrit: tCrit, channels: 1)
        let hjcfit = try LikelihoodRecord(trimmed, conditions: ch82Conditions, resolution: 1e-4, tCrit: tCrit)
        XCTAssertGreaterThan(hjcfit.groups.count, 30)   // 44 bursts
        XCTAssertEqual(patch.stretches.count, hjcfit.groups.count)
        let a = try PatchLikelihood.logLikelihood(scheme, records: [patch])
        let b = try ExactLikelihood.logLikelihood(scheme, records: [hjcfit])
        XCTAssertEqual(a, b, accuracy: 1e-9 * abs(b))
    }

    /// Five channels of C–C–O with all rates 1000 s⁻¹: one channel's eigenvalues are 0, −1000,
    /// −3000, so the aggregate's (sums of five) repeat exactly (3 × 1000 = 3000). The HJC
    /// expansion divides by eigenvalue differences; merged repeated eigenvalues keep the
    /// likelihood finite and continuous — equal to that at rates perturbed by 1e-6, where the
    /// eigenvalues are distinct, to 1e-6 relative (it was NaN).
    func testRepeatedEigenvaluesOfTheAggregate() throws {
        let scheme = try GatingScheme(yaml: SSAFitTests.truthYAML).with(rates: ["k12": 1000, "k21": 1000, "k23": 1000, "k32": 1000])
        let data = try SchemeSimulation.dwellSequence(scheme, conditions: RecordConditions(), channels: 5, duration: 2,
                                                      resolution: 1e-4, seed: 5)
        let record = try PatchRecord(data, conditions: RecordConditions(), resolution: 1e-4, channels: 5)
        let exact = try PatchLikelihood.logLikelihood(scheme, records: [record])
        let nudged = try PatchLikelihood.logLikelihood(try scheme.with(rates: ["k12": 1000 * (1 + 1e-6), "k23": 1000 * (1 - 1e-6)]),
                                                       records: [record])
        XCTAssertTrue(exact.isFinite, "\(exact)")
        XCTAssertEqual(exact, nudged, accuracy: 1e-6 * abs(exact))
    }

    /// Stretches: a long shutting (t_crit) ends one and starts the next; an unusable interval
    /// ends one; equal neighbours join; a level above the channel count is a typed error naming
    /// the interval; too many aggregate states is a typed error.
    func testRecordPreparationAndBadInput() throws {
        let d: [(Int, Double)] = [(0, 1e-3), (1, 1e-3), (2, 1e-3), (0, 50e-3), (1, 1e-3), (1, 2e-3), (0, 1e-3), (1, 1e-3)]
        var dwells = d.map { Dwell(level: $0.0, amplitude: Double($0.0), duration: $0.1) }
        dwells.insert(Dwell(level: 0, amplitude: 0, duration: 1e-3, flags: .unusable), at: 6)
        let seq = DwellSequence(dwells: dwells, resolution: 1e-4, provenance: Provenance(file: "patch.csv", format: .synthetic))
        let record = try PatchRecord(seq, conditions: RecordConditions(), resolution: 1e-4, tCrit: 10e-3, channels: 2)
        XCTAssertEqual(record.stretches.map(\.levels), [[0, 1, 2, 0], [0, 1], [0, 1]])
        XCTAssertEqual(record.stretches[1].durations, [50e-3, 3e-3])
        XCTAssertEqual(record.transitionCount, 5)

        XCTAssertThrowsError(try PatchRecord(seq, conditions: RecordConditions(), resolution: 1e-4, channels: 1)) { e in
            guard case GatingModelsError.levelAboveChannels(record: "patch.csv", interval: 2, level: 2, channels: 1) = e else { return XCTFail("\(e)") }
        }
        let q = try ch82().qMatrix(ch82Conditions)
        XCTAssertThrowsError(try ChannelPatch(q, channels: 10)) { e in
            guard case GatingModelsError.invalidArgument(name: "channels", _) = e else { return XCTFail("\(e)") }
        }
        let shut = DwellSequence(dwells: [Dwell(level: 0, amplitude: 0, duration: 1)], resolution: 1e-4,
                                 provenance: Provenance(file: "shut.csv", format: .synthetic))
        XCTAssertThrowsError(try PatchRecord(shut, conditions: RecordConditions(), resolution: 1e-4, channels: 2)) { e in
            guard case GatingModelsError.noOpenings = e else { return XCTFail("\(e)") }
        }
    }
}

/// Fits of simulated patches by the N-channel likelihood.
final class PatchFitTests: XCTestCase {
    /// The C–C–O scheme and the ratio-breaking start of `SSAFitTests`.
    func truthAndStart() throws -> (GatingScheme, GatingScheme) {
        let truth = try GatingScheme(yaml: SSAFitTests.truthYAML)
        return (truth, try truth.with(rates: ["k12": 1500, "k21": 330, "k23": 1330, "k32": 1200]))
    }

    /// Relative errors and relative SDs of a fit, by rate name.
    func errors(_ fit: KineticFitResult, _ truth: GatingScheme) throws -> [String: (error: Double, sd: Double)] {
        var out: [String: (Double, Double)] = [:]
        for r in fit.rates {
            let t = truth.transitions[try XCTUnwrap(truth.rateIndex(r.name))].value
            out[r.name] = (r.value / t - 1, try XCTUnwrap(r.standardDeviation) / r.value)
        }
        return out
    }

    /// Six 20-s records of two channels (t_res 50 µs, ~32 700 intervals each): with the exact
    /// correction the mean error of every rate over the six fits is within 2.5 standard errors
    /// of zero (measured: k12 +2.6, k21 +2.9, k23 +0.1, k32 +0.0 % against SDs of 4.6, 7.7, 1.8,
    /// 0.8 % per fit; HJC per level, 2.3 % pass-through sojourns: +1.8, +0.2, −0.9, −0.5 %); the
    /// first-order (MIL) correction shifts k32 by −1.6 % and k23 by −3.7 %, over 4 standard
    /// errors. Every histogram's R² within 0.003 of its ceiling.
    func testTwoChannelFitsAreUnbiased() throws {
        let (truth, start) = try truthAndStart()
        var sums: [String: (exact: Double, first: Double, sd: Double)] = [:]
        let seeds: [UInt64] = [31, 32, 33, 34, 35, 36]
        for seed in seeds {
            let data = try SchemeSimulation.dwellSequence(truth, conditions: RecordConditions(), channels: 2, duration: 20,
                                                          resolution: 5e-5, seed: seed)
            let records = [try PatchRecord(data, conditions: RecordConditions(), resolution: 5e-5, channels: 2)]
            let exact = try ExactFit().fit(start, patchRecords: records)
            var firstOrderFit = ExactFit()
            firstOrderFit.patchCorrection = .firstOrder
            let first = try firstOrderFit.fit(start, patchRecords: records)
            XCTAssertGreaterThan(exact.logLikelihood, first.logLikelihood, "seed \(seed): the exact correction fits better")
            XCTAssertEqual(exact.warnings, [])
            for h in exact.histograms {
                XCTAssertGreaterThan(try XCTUnwrap(h.r2), try XCTUnwrap(h.r2Ceiling) - 0.003, "seed \(seed) \(h.name)")
            }
            let e = try errors(exact, truth), f = try errors(first, truth)
            for (name, v) in e {
                let old = sums[name] ?? (0, 0, 0)
                sums[name] = (old.exact + v.error, old.first + f[name]!.error, old.sd + v.sd)
            }
        }
        let n = Double(seeds.count)
        for (name, s) in sums {
            let standardError = s.sd / n / n.squareRoot()
            XCTAssertLessThan(abs(s.exact / n), 2.5 * standardError, "exact, \(name): mean error \(s.exact / n)")
            if name == "k23" || name == "k32" {
                XCTAssertLessThan(s.first / n, -4 * standardError, "first order, \(name): mean error \(s.first / n)")
            }
        }
    }

    /// The fraction of level sojourns shorter than t_res that lead on to a third level (what
    /// HJC per level approximates) against counting them in a simulated 100-s record without
    /// any resolution imposed (~600 000 sojourns; binomial SE ≤ 0.0003); above
    /// `ExactFit.passThroughLimit` a fit with an approximate correction says so. Two C–C–O
    /// channels at 10 µM with t_res 100 µs (4.8 %; measured bias there with HJC per level: β
    /// −12 %, α −8 %, 4–6 SD) warn with HJC per level and first order, not with the exact
    /// correction (the default).
    func testPassThroughFractionAgainstSimulationAndWarning() throws {
        let cco = try GatingScheme(contentsOf: TestPaths.scheme("cco.yaml"))
        let conditions = RecordConditions(concentration: 10e-6)
        let (truth, _) = try truthAndStart()
        for (scheme, c, tau) in [(cco, conditions, 100e-6), (truth, RecordConditions(), 50e-6)] {
            let theory = try PatchMissedEvents(try ChannelPatch(try scheme.qMatrix(c), channels: 2), resolution: tau)
            let raw = try SchemeSimulation.dwellSequence(scheme, conditions: c, channels: 2, duration: 100, resolution: 0, seed: 9).dwells
            var passing = 0
            for i in 1..<(raw.count - 1) where raw[i].duration < tau && raw[i - 1].level != raw[i + 1].level { passing += 1 }
            let counted = Double(passing) / Double(raw.count - 2)
            XCTAssertEqual(try theory.passThroughFraction(), counted, accuracy: 0.0012, "\(scheme.name) at \(tau) s")
        }
        let data = try SchemeSimulation.dwellSequence(cco, conditions: conditions, channels: 2, duration: 5, resolution: 100e-6, seed: 31)
        let start = try GatingScheme(contentsOf: TestPaths.scheme("cco-start.yaml"))
        let fit = try XCTUnwrap(KineticFitting.run(start, inputs: [FitInput(data, conditions: conditions)],
                                                   settings: FitSettings(resolution: 100e-6, channels: 2, route: .exact)).first)
        XCTAssertEqual(fit.warnings, [])
        let records = [try PatchRecord(data, conditions: conditions, resolution: 100e-6, channels: 2)]
        for correction in [PatchMissedEvents.Correction.hjc, .firstOrder] {
            var approximate = ExactFit()
            approximate.patchCorrection = correction
            approximate.computeStandardDeviations = false
            let warned = try approximate.fit(start, patchRecords: records)
            XCTAssertEqual(warned.warnings.count, 1)
            XCTAssertTrue(warned.warnings.first?.contains("third level") == true, "\(warned.warnings)")
            XCTAssertTrue(warned.warnings.first?.contains(correction.rawValue) == true, "\(warned.warnings)")
        }
    }

    /// Two records of two channels at 1 and 10 µM fitted at once (cco.yaml: k_plus is agonist
    /// dependent, so only the pair of concentrations separates it from k_minus): every rate
    /// within 3 SD of the truth (measured: +0.9 ± 2.1, −3.2 ± 2.8, −1.0 ± 1.6, −0.4 ± 0.9 %), one
    /// set of histograms per record, no warning at t_res 30 µs.
    func testTwoConcentrationsAtOnce() throws {
        let truth = try GatingScheme(contentsOf: TestPaths.scheme("cco.yaml"))
        let start = try GatingScheme(contentsOf: TestPaths.scheme("cco-start.yaml"))
        let inputs = try [(1e-6, UInt64(41)), (10e-6, UInt64(42))].map { c, seed in
            let conditions = RecordConditions(concentration: c)
            return FitInput(try SchemeSimulation.dwellSequence(truth, conditions: conditions, channels: 2, duration: 10,
                                                               resolution: 30e-6, seed: seed), conditions: conditions)
        }
        let fit = try XCTUnwrap(KineticFitting.run(start, inputs: inputs, settings: FitSettings(resolution: 30e-6, channels: 2)).first)
        print("two concentrations: " + fit.rates.map { String(format: "%@ %+.1f ± %.1f %%", $0.name, 100 * ($0.value / truth.transitions[truth.rateIndex($0.name)!].value - 1), 100 * ($0.standardDeviation ?? .nan) / $0.value) }.joined(separator: ", "))
        for r in fit.rates {
            let t = truth.transitions[try XCTUnwrap(truth.rateIndex(r.name))].value
            XCTAssertLessThan(abs(r.value - t), 3 * (try XCTUnwrap(r.standardDeviation)), r.name)
        }
        XCTAssertEqual(fit.histograms.count, 6, "shut, level 1, level 2 for each record")
        XCTAssertEqual(fit.warnings, [])
    }

    /// Three channels (20 s, ~40 000 intervals): every rate within 3 SD of the truth, through
    /// `KineticFitting` as the CLI calls it; histograms per level (shut, level 1…3).
    func testThreeChannelFitThroughKineticFitting() throws {
        let (truth, start) = try truthAndStart()
        let data = try SchemeSimulation.dwellSequence(truth, conditions: RecordConditions(), channels: 3, duration: 20,
                                                      resolution: 5e-5, seed: 23)
        let settings = FitSettings(resolution: 5e-5, channels: 3, route: .exact)
        let fit = try XCTUnwrap(KineticFitting.run(start, inputs: [FitInput(data, conditions: RecordConditions())], settings: settings).first)
        XCTAssertEqual(fit.route, "exact")
        for (name, v) in try errors(fit, truth) { XCTAssertLessThan(abs(v.error), 3 * v.sd, name) }
        XCTAssertEqual(fit.histograms.map(\.kind), ["shut", "open", "open", "open"])
        XCTAssertTrue(fit.histograms[3].name.hasSuffix("level 3"))
        for h in fit.histograms { XCTAssertGreaterThan(try XCTUnwrap(h.r2), 0.98, h.name) }
    }
}
