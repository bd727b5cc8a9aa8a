import Foundation
import GatingModels
import PatchData
import XCTest

/// The exact route's optimisers against known minima and against each other.
final class OptimizerTests: XCTestCase {
    /// Rosenbrock in 6 dimensions (minimum 0 at all ones, a long curved valley): BOBYQA lands
    /// within 1e-4 of it; a quadratic with a known off-axis minimum, within 1e-6.
    func testBOBYQAFindsKnownMinima() {
        let rosenbrock: ([Double]) -> Double = { x in
            var sum = 0.0
            for i in 0..<(x.count - 1) {
                let valley: Double = x[i + 1] - x[i] * x[i], offset: Double = 1 - x[i]
                sum += 100 * valley * valley + offset * offset
            }
            return sum
        }
        var bobyqa = BOBYQA()
        bobyqa.parameterTolerance = 1e-10
        bobyqa.functionTolerance = 1e-14
        let r = bobyqa.minimize([-1.2, 1, -1.2, 1, -1.2, 1], rosenbrock)
        XCTAssertTrue(r.converged)
        for v in r.minimum { XCTAssertEqual(v, 1, accuracy: 1e-4) }
        XCTAssertLessThan(r.value, 1e-8)

        let centre = [0.3, -2.0, 1.5]
        let quadratic: ([Double]) -> Double = { x in
            let d: [Double] = zip(x, centre).map { $0 - $1 }
            let diagonal: Double = 2 * d[0] * d[0] + d[1] * d[1] + 0.5 * d[2] * d[2]
            return diagonal + d[0] * d[1] + 7
        }
        let q = bobyqa.minimize([0, 0, 0], quadratic)
        for (v, c) in zip(q.minimum, centre) { XCTAssertEqual(v, c, accuracy: 1e-6) }
        XCTAssertEqual(q.value, 7, accuracy: 1e-10)
    }

    /// Where the objective is not finite (a likelihood of zero), BOBYQA steps back and reports
    /// the best finite point, never a non-finite value.
    func testBOBYQAAvoidsNonFiniteRegions() {
        let f: ([Double]) -> Double = { x in
            guard x[0] >= 0.5 else { return .infinity }
            let a: Double = x[0] - 1, b: Double = x[1] - 2
            return a * a + b * b
        }
        let r = BOBYQA().minimize([2, 0], f)
        XCTAssertTrue(r.value.isFinite)
        XCTAssertEqual(r.minimum[0], 1, accuracy: 1e-4)
        XCTAssertEqual(r.minimum[1], 2, accuracy: 1e-4)
    }

    /// CH82.scn from the HJCFIT start: the simplex and BOBYQA reach the same maximum (log-
    /// likelihood within 1e-3, every free rate within 0.1 % — far inside its SD); BOBYQA with
    /// fewer evaluations (measured: 328 against 1360, Hessian included).
    func testSimplexAndBOBYQAAgreeOnCH82() throws {
        let seq = try ScanFile.read(path: TestPaths.sharedData("scn/CH82.scn"))
        let start = try GatingScheme(contentsOf: TestPaths.scheme("ch82-hjcfit.yaml"))
        var results: [KineticFitResult] = []
        for method in [ExactFit.Method.simplex, .bobyqa] {
            var settings = FitSettings(resolution: 100e-6, tCrit: 4e-3)
            settings.exactMethod = method
            results.append(try XCTUnwrap(KineticFitting.run(start, inputs: [FitInput(seq, conditions: RecordConditions(concentration: 100e-9))],
                                                            settings: settings).first))
        }
        let (simplex, bobyqa) = (results[0], results[1])
        XCTAssertTrue(bobyqa.converged)
        XCTAssertEqual(bobyqa.logLikelihood, simplex.logLikelihood, accuracy: 1e-3)
        for (a, b) in zip(simplex.rates, bobyqa.rates) where a.role == "free" {
            XCTAssertEqual(b.value / a.value, 1, accuracy: 1e-3, a.name)
        }
        XCTAssertLessThan(bobyqa.evaluations, simplex.evaluations)
    }
}
