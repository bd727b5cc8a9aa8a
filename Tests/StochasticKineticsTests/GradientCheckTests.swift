// `WindowAverageFit.gradientCheck` and the benchmark problems' choice of fitted rates.
import StochasticKinetics
import XCTest

final class GradientCheckTests: XCTestCase {
    /// On the dimerization the untruncated straight-through gradient tracks finite differences
    /// (README, "Choosing K": −17.0 against −16.9), so at the benchmark's start the check's two
    /// columns must agree in sign and within 10 %. Measured: 0.7 % (kf) and 2.1 % (kb) here,
    /// 0.8 % and 2.7 % with 4000 trajectories and h = 0.1; the gap is the estimator's small bias,
    /// the differences' O(h²) term and their Monte-Carlo noise, so 10 % leaves ≥ 4× room while a
    /// wrong step, sign or coordinate on either side breaks the agreement.
    func testStraightThroughTracksFiniteDifferencesOnTheDimerization() throws {
        let check = try FitBenchmarks.dimerizationProblem().gradientCheck(targetTrajectories: 2000, trajectories: 2000,
                                                                         step: 0.05, seed: 3)
        print("dimerization gradient check: straight-through \(check.straightThrough), finite difference \(check.finiteDifference)")
        XCTAssertEqual(check.parameters, ["kf", "kb"])
        XCTAssertEqual(check.signsAgree, [true, true])
        for k in 0..<2 {
            XCTAssertEqual(check.straightThrough[k], check.finiteDifference[k], accuracy: 0.1 * abs(check.finiteDifference[k]))
        }
        XCTAssertGreaterThan(check.loss, 0)
    }

    /// The same seed gives the same check (every ensemble is a function of the seed only).
    func testGradientCheckIsReproducible() throws {
        let problem = FitBenchmarks.dimerizationProblem()
        let a = try problem.gradientCheck(targetTrajectories: 200, trajectories: 100, seed: 9, threads: 1)
        let b = try problem.gradientCheck(targetTrajectories: 200, trajectories: 100, seed: 9, threads: 2)
        XCTAssertEqual(a.straightThrough, b.straightThrough)
        XCTAssertEqual(a.finiteDifference, b.finiteDifference)
    }

    /// Unknown, repeated or missing rates, start factors of the wrong count or sign, and a
    /// non-positive step are refused with a message that says which.
    func testBadChoicesAreRefused() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message { _ = try FitBenchmarks.oscillatorProblem(fitted: ["betaA", "gammaX"]) }.contains("gammaX"))
        XCTAssertTrue(message { _ = try FitBenchmarks.oscillatorProblem(fitted: ["betaA", "betaA"]) }.contains("distinct"))
        XCTAssertTrue(message { _ = try FitBenchmarks.oscillatorProblem(fitted: []) }.contains("distinct"))
        XCTAssertTrue(message { _ = try FitBenchmarks.oscillatorProblem(fitted: ["betaA"], startFactors: [1.3, 0.75]) }
            .contains("one positive start factor"))
        XCTAssertTrue(message { _ = try FitBenchmarks.oscillatorProblem(fitted: ["betaA"], startFactors: [-1]) }
            .contains("one positive start factor"))
        let problem = FitBenchmarks.dimerizationProblem()
        XCTAssertTrue(message { _ = try problem.gradientCheck(targetTrajectories: 10, trajectories: 10, step: 0) }.contains("step"))
    }

    /// The chosen rates and start factors reach the problem: four rates, default starts
    /// alternating × 1.3 and × 0.75, the rest of the network untouched.
    func testOscillatorProblemFitsTheNamedRates() throws {
        let problem = try FitBenchmarks.oscillatorProblem(fitted: ["betaA", "deltaA", "betaR", "deltaR"])
        XCTAssertEqual(problem.fitted, ["betaA", "deltaA", "betaR", "deltaR"])
        XCTAssertEqual(problem.startFactors, [1.3, 0.75, 1.3, 0.75])
        XCTAssertEqual(problem.network.parameters.count, 15)
        XCTAssertNil(problem.options.truncation)
    }
}
