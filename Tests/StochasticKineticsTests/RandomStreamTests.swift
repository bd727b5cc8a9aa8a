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

    /// The ziggurat Exp(1) of both generators: KS against 1 − e^{−x} (α = 0.001) on 2·10⁵
    /// draws, and the tail beyond the ziggurat's r = 7.697 (drawn by a separate path) holds
    /// e^{−r}·n ≈ 181 of 4·10⁵ draws: |z| < 4 on that count.
    func testZigguratExponentialsFollowTheLawIncludingTheTail() {
        var rng = RandomStream(seed: 11, stream: 2)
        let n = 200_000
        let streamDraws = (0..<n).map { _ in rng.exponentialZiggurat() }
        let counterDraws = (0..<n).map { CounterNoise.exponential(key: 77, counter: UInt64($0)) }
        for draws in [streamDraws, counterDraws] {
            XCTAssert(draws.allSatisfy { $0 >= 0 && $0.isFinite })
            XCTAssertLessThan(ksDistance(draws) { 1 - exp(-$0) }, ksCritical001(n))
        }
        let r = 7.69711747013104972
        let tail = (streamDraws + counterDraws).filter { $0 > r }
        let expected = 2 * Double(n) * exp(-r)
        XCTAssertLessThan(abs(Double(tail.count) - expected) / expected.squareRoot(), 4, "tail count \(tail.count)")
        // Beyond r the excess is again Exp(1) (memorylessness): its mean is 1 within 4 SE.
        let excess = tail.map { $0 - r }.reduce(0, +) / Double(tail.count)
        XCTAssertEqual(excess, 1, accuracy: 4 / Double(tail.count).squareRoot())
        // Sensitivity: the same sample is rejected against a rate 2 % off.
        XCTAssertGreaterThan(ksDistance(streamDraws) { 1 - exp(-1.02 * $0) }, ksCritical001(n))
    }
}
