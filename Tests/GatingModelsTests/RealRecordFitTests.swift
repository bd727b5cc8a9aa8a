import Foundation
import PatchData
import XCTest
import GatingModels

/// The real records of REFERENCE.md fitted by the exact route as Benchmarks/gating-real.sh
/// does. The paper's R² = 0.987 is not reached on every histogram; `r2Ceiling` says how much
/// of the shortfall is counting noise (measured, R² / ceiling: nAChR open 0.983 / 0.993,
/// shut 0.978 / 0.986; GlyR with our 7-state flip scheme 10 µM open 0.928 / 0.992, shut
/// 0.949 / 0.993, 1 mM open 0.967 / 0.991, shut 0.990 / 0.996 — BOBYQA's maximum, 121 log-
/// likelihood units above where the simplex had stopped). The GlyR gap is the scheme's: the
/// 10-state mechanism Burzomato et al. published for these records reaches 0.980 / 0.992,
/// 0.987 / 0.993, 0.986 / 0.990, 0.995 / 0.996 (20 000 evaluations, 281 s).
final class RealRecordFitTests: XCTestCase {
    /// `scheme`: a file in Data/schemes, or a path.
    func fit(_ files: [String], scheme: String, concentrations: [Double], tCrit: [Double],
             maxEvaluations: Int = 6000) throws -> KineticFitResult {
        let inputs = try zip(files, zip(concentrations, tCrit)).map { file, ct in
            FitInput(try ScanFile.read(path: TestPaths.sharedData("scn/\(file)")), conditions: RecordConditions(concentration: ct.0), tCrit: ct.1)
        }
        let settings = FitSettings(resolution: 30e-6, maxEvaluations: maxEvaluations)
        let path = scheme.contains("/") ? scheme : TestPaths.scheme(scheme)
        return try XCTUnwrap(KineticFitting.run(try GatingScheme(contentsOf: path), inputs: inputs, settings: settings).first)
    }

    /// Human muscle nAChR at 30 µM ACh (a record with unusable intervals: the regression this
    /// guards against was an unresolvable opening after one reaching the likelihood).
    func testNicotinicReceptor() throws {
        let r = try fit(["scn_000225S1.DAT"], scheme: "nachr.yaml", concentrations: [30e-6], tCrit: [3.5e-3])
        XCTAssertTrue(r.logLikelihood.isFinite)
        XCTAssertTrue(r.converged)
        for h in r.histograms {
            XCTAssertGreaterThan(try XCTUnwrap(h.r2), 0.97, h.name)
            XCTAssertLessThan(try XCTUnwrap(h.r2), try XCTUnwrap(h.r2Ceiling) + 0.01, h.name)
        }
    }

    /// Rat GlyR α1β at 10 µM and 1 mM glycine, fitted jointly with the flip scheme.
    func testGlycineReceptorTwoConcentrations() throws {
        let r = try fit(["glydemo_A-10.scn", "glydemo_D-1000.scn"], scheme: "glyr-flip.yaml",
                        concentrations: [10e-6, 1e-3], tCrit: [4e-3, 20e-3])
        XCTAssertTrue(r.logLikelihood.isFinite)
        XCTAssertEqual(r.histograms.count, 4)
        for h in r.histograms { XCTAssertGreaterThan(try XCTUnwrap(h.r2), 0.92, h.name) }
    }

    /// The same two records with the mechanism Burzomato et al. (2004) published for them, read
    /// from DCPROGS's demomec.mec (rate set 3: three binding sites, three open states), started
    /// at the published rates, ≤ 1500 BOBYQA evaluations: every histogram R² > 0.975 and within
    /// 0.02 of its ceiling (measured: 0.980 / 0.987 / 0.986 / 0.995 against ceilings 0.992 /
    /// 0.993 / 0.990 / 0.996; log-likelihood 2 units below the converged maximum).
    func testGlycineReceptorWithThePublishedMechanism() throws {
        let mec = TestPaths.sharedData("mechanisms/mec_demomec.mec") + "#3"
        let r = try fit(["glydemo_A-10.scn", "glydemo_D-1000.scn"], scheme: mec, concentrations: [10e-6, 1e-3],
                        tCrit: [4e-3, 20e-3], maxEvaluations: 1500)
        XCTAssertEqual(r.histograms.count, 4)
        for h in r.histograms {
            let r2 = try XCTUnwrap(h.r2), ceiling = try XCTUnwrap(h.r2Ceiling)
            XCTAssertGreaterThan(r2, 0.975, h.name)
            XCTAssertLessThan(ceiling - r2, 0.02, h.name)
        }
    }
}
