import Foundation
import Idealization
import PatchFitTestSupport
import XCTest

final class GaussianMixtureTests: XCTestCase {
    /// Three well-separated Gaussian levels with known weights: means within 0.01 (σ/√n ≪ that),
    /// SDs within 5 %, weights within 0.01; detection picks K = 3.
    func testRecoversLevels() throws {
        var rng = TestRandom(seed: 21)
        let means = [-3.0, 0.0, 2.0], sds = [0.3, 0.4, 0.3], weights = [0.5, 0.3, 0.2]
        let x = (0..<60_000).map { _ -> Double in
            let u = rng.uniform()
            let j = u < weights[0] ? 0 : (u < weights[0] + weights[1] ? 1 : 2)
            return means[j] + sds[j] * rng.normal()
        }
        let m = try GaussianMixture.detect(x, maxLevels: 5, spacing: .free)
        XCTAssertEqual(m.count, 3)
        for j in 0..<3 {
            XCTAssertEqual(m.means[j], means[j], accuracy: 0.01)
            XCTAssertEqual(m.sds[j] / sds[j], 1, accuracy: 0.05)
            XCTAssertEqual(m.weights[j], weights[j], accuracy: 0.01)
        }
    }

    /// Five identical channels (binomial occupancy, p = 0.7): the lattice fit finds the unit
    /// amplitude even though the fully shut level holds 0.2 % of the samples.
    func testLatticeFindsUnitAmplitude() throws {
        var rng = TestRandom(seed: 22)
        let x = (0..<100_000).map { _ -> Double in
            var k = 0
            for _ in 0..<5 where rng.uniform() < 0.7 { k += 1 }
            return -2.5 + 1.2 * Double(k) + 0.35 * rng.normal()
        }
        let m = try GaussianMixture.fitLattice(x, components: 6)
        XCTAssertEqual(m.means[1] - m.means[0], 1.2, accuracy: 0.02)
        XCTAssertEqual(m.means[0], -2.5, accuracy: 0.05)
        XCTAssertTrue(m.equallySpaced)
    }
}
