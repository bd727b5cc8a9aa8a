import XCTest
import PatchData
import GatingModels

/// The standard HJCFIT benchmark (REFERENCE.md §2): CH82.scn (4,312 simulated intervals at
/// 100 nM) fitted at t_res = 100 µs, t_crit = 4 ms from the DCPROGS starting rates.
final class ExactFitTests: XCTestCase {
    static func ch82Record() throws -> LikelihoodRecord {
        let seq = try ScanFile.read(path: TestPaths.sharedData("scn/CH82.scn"))
        return try LikelihoodRecord(seq, conditions: ch82Conditions, resolution: 100e-6, tCrit: 4e-3)
    }

    func testLikelihoodIsHigherAtTheTrueRatesThanAtTheStart() throws {
        let record = try Self.ch82Record()
        let truth = try ch82()
        let start = try GatingScheme(contentsOf: TestPaths.scheme("ch82-hjcfit.yaml"))
        let lTrue = try ExactLikelihood.logLikelihood(truth, records: [record])
        let lStart = try ExactLikelihood.logLikelihood(start, records: [record])
        print("CH82.scn: \(record.dwells.count) resolved intervals, \(record.groups.count) groups, \(record.openingCount) openings; logL true \(lTrue) start \(lStart)")
        XCTAssertTrue(lTrue.isFinite && lStart.isFinite)
        XCTAssertGreaterThan(lTrue, lStart)
    }

    /// The true CH82 rates (REFERENCE.md §2) for the benchmark's free rates.
    static let truth: [String: Double] = ["beta1": 15, "beta2": 15000, "alpha1": 3000, "alpha2": 500,
                                          "k_minus1": 2000, "k_plus2": 5e8]

    func testFitRecoversTheTrueRatesWithinTheirSDs() throws {
        let record = try Self.ch82Record()
        let start = try GatingScheme(contentsOf: TestPaths.scheme("ch82-hjcfit.yaml"))
        let result = try ExactFit().fit(start, records: [record])
        XCTAssertTrue(result.converged)
        XCTAssertEqual(Set(start.freeRateNames), Set(Self.truth.keys))
        for r in result.rates {
            print(String(format: "  %-14@ %12.5g ± %-10.3g (%@)", r.name as NSString, r.value, r.standardDeviation ?? .nan, r.role as NSString))
            guard let t = Self.truth[r.name] else { continue }
            let sd = try XCTUnwrap(r.standardDeviation, "SD of \(r.name)")
            // 6 free rates from ~840 openings: each estimate is within 2 SD of the truth with
            // ~95 % probability; the data are fixed, so this either holds or not (it holds:
            // the largest deviation is 1.6 SD, for beta1).
            XCTAssertLessThan(abs(r.value - t), 2 * sd, "\(r.name) = \(r.value) ± \(sd), truth \(t)")
        }
        // Starting at the truth (constraints applied) must reach the same maximum: the simplex
        // converged to the optimum, not to a stall.
        let fromTruth = try ExactFit().fit(try start.with(rates: Self.truth), records: [record])
        XCTAssertEqual(fromTruth.logLikelihood, result.logLikelihood, accuracy: 1e-2)
        for (a, b) in zip(result.rates, fromTruth.rates) where a.role == "free" {
            XCTAssertLessThan(abs(a.value - b.value), 0.05 * (a.standardDeviation ?? 0), a.name)
        }
        print("fit logL \(result.logLikelihood) from \(result.initialLogLikelihood); \(result.evaluations) evaluations, \(result.iterations) iterations, \(result.wallSeconds) s; from truth \(fromTruth.logLikelihood)")
    }

    /// R² of the histograms at the true rates is high (the machinery is right); with the
    /// benchmark's constraint 2k+1 = 2·k+2 (true 1e8 vs 1e9) the long shut component is off,
    /// which the shut R² of the fit shows — long shut times are excluded by t_crit from the fit.
    func testHistogramR2AtTheTrueRates() throws {
        let record = try Self.ch82Record()
        let hs = try HistogramComparison.comparisons(for: record, scheme: try ch82())
        XCTAssertEqual(hs.map(\.kind), ["open", "shut"])
        for h in hs {
            print("  R² at truth \(h.name): \(h.r2 ?? .nan), \(h.count) dwells")
            XCTAssertEqual(h.observedCounts.reduce(0, +), h.count)
            // Predicted counts integrate the apparent pdf: they sum to ~N over the covered range.
            XCTAssertEqual(h.predictedCounts.reduce(0, +), Double(h.count), accuracy: 0.02 * Double(h.count))
            XCTAssertGreaterThan(try XCTUnwrap(h.r2), 0.9)
        }
    }

    /// The SSA route on the same data, started at the exact estimate (route `both`): 400 Adam
    /// iterations with the likelihood-ratio gradient stay at the exact optimum — each free
    /// rate within 1.5 of the exact route's SDs (measured: within 1 SD for all six). Its SDs
    /// (bootstrap, 4 replicates of 400 iterations, floored at the likelihood's information bound
    /// at the SSA estimate) are at least 0.8× and at most 3× the exact route's (the bound at a
    /// nearby estimate is close to the exact route's SD; four replicates estimate an SD to about
    /// ±40 %; without the floor, with eight replicates: 0.8–2.0×).
    func testSSARouteAgreesWithTheExactRouteWithinItsSDs() throws {
        let seq = try ScanFile.read(path: TestPaths.sharedData("scn/CH82.scn"))
        let start = try GatingScheme(contentsOf: TestPaths.scheme("ch82-hjcfit.yaml"))
        let settings = FitSettings(resolution: 100e-6, tCrit: 4e-3, route: .both, seed: 3, ssaIterations: 400, ssaBootstrap: 4)
        let results = try KineticFitting.run(start, inputs: [FitInput(seq, conditions: ch82Conditions)], settings: settings)
        XCTAssertEqual(results.map(\.route), ["exact", "ssa"])
        let exact = results[0], ssa = results[1]
        for r in exact.rates where r.role == "free" {
            let sd = try XCTUnwrap(r.standardDeviation)
            let other = try XCTUnwrap(ssa.rates.first { $0.name == r.name }).value
            print(String(format: "  %-10@ exact %10.4g ± %-9.3g  SSA %10.4g  (%+.2f SD)", r.name as NSString, r.value, sd, other, (other - r.value) / sd))
            XCTAssertLessThan(abs(other - r.value), 1.5 * sd, r.name)
            let ssaSD = try XCTUnwrap(ssa.rates.first { $0.name == r.name }?.standardDeviation, r.name)
            XCTAssertGreaterThan(ssaSD, 0.8 * sd, r.name)
            XCTAssertLessThan(ssaSD, 3 * sd, r.name)
        }
        XCTAssertTrue(ssa.method.contains("information bound"), ssa.method)
    }
}
