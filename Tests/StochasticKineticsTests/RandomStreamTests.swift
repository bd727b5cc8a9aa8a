import StochasticKinetics
import XCTest

final class RandomStreamTests: XCTestCase {
    func testStreamsAreReproducibleAndDistinct() {
        var a = RandomStream(seed: 42, stream: 3), b = RandomStream(seed: 42, stream: 3), c = RandomStream(seed: 42, stream: 4)
        let xa = (0..<100).map { _ in a.next() }, xb = (0..<100).map { _ in b.next() }, xc = (0..<100).map { _ in c.next() }
        XCTAssertEqual(xa, xb)
        XCTAssertNotEqual(xa, xc)
        XCTAssertEqual(Set(xa).count, 100)
    }

    /// Moments of 10⁶ draws; tolerances are 5 standard errors of each sample mean.
    func testDistributionsHaveTheirMoments() {
        var rng = RandomStream(seed: 7)
        let n = 1_000_000
        var u = 0.0, uMin = 1.0, e = 0.0, e2 = 0.0, g = 0.0, g2 = 0.0
        for _ in 0..<n {
            let x = rng.uniformPositive()
            u += x; uMin = min(uMin, x)
            let y = rng.exponential(); e += y; e2 += y * y
            let z = rng.gumbel(); g += z; g2 += z * z
        }
        let N = Double(n)
        XCTAssertGreaterThan(uMin, 0, "uniformPositive must never return 0")
        XCTAssertEqual(u / N, 0.5, accuracy: 5 * (1.0 / 12 / N).squareRoot())
        XCTAssertEqual(e / N, 1, accuracy: 5 / N.squareRoot())
        XCTAssertEqual(e2 / N - (e / N) * (e / N), 1, accuracy: 5 * (8.0 / N).squareRoot())   // Var of E² is 20 − 4 = 20; loose
        let euler = 0.5772156649015329
        XCTAssertEqual(g / N, euler, accuracy: 5 * (Double.pi * Double.pi / 6 / N).squareRoot())
        XCTAssertEqual(g2 / N - (g / N) * (g / N), Double.pi * Double.pi / 6, accuracy: 0.02)
    }

    func testCounterNoiseIsAPureFunctionInTheUnitInterval() {
        XCTAssertEqual(CounterNoise.uniformPositive(key: 9, counter: 1), CounterNoise.uniformPositive(key: 9, counter: 1))
        XCTAssertNotEqual(CounterNoise.uniformPositive(key: 9, counter: 1), CounterNoise.uniformPositive(key: 9, counter: 2))
        var sum = 0.0
        for i in 0..<100_000 {
            let u = CounterNoise.uniformPositive(key: 123, counter: UInt64(i))
            XCTAssert(u > 0 && u <= 1)
            sum += u
        }
        XCTAssertEqual(sum / 1e5, 0.5, accuracy: 5 * (1.0 / 12 / 1e5).squareRoot())
    }
}
