// The hand-written reverse pass equals forward-mode dual numbers propagated through the same
// surrogate forward pass (same trajectory, same Gumbel noise), to ~1e-9 relative.
import Foundation
import StochasticKinetics
import XCTest

/// A forward-mode dual number v + d·ε.
struct Dual {
    var v: Double
    var d: Double
    init(_ v: Double, _ d: Double = 0) { self.v = v; self.d = d }
    static func + (a: Dual, b: Dual) -> Dual { Dual(a.v + b.v, a.d + b.d) }
    static func - (a: Dual, b: Dual) -> Dual { Dual(a.v - b.v, a.d - b.d) }
    static func * (a: Dual, b: Dual) -> Dual { Dual(a.v * b.v, a.d * b.v + a.v * b.d) }
    static func / (a: Dual, b: Dual) -> Dual { Dual(a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v)) }
    static func * (a: Double, b: Dual) -> Dual { Dual(a * b.v, a * b.d) }
}
func exp(_ a: Dual) -> Dual { let e = exp(a.v); return Dual(e, e * a.d) }
func log(_ a: Dual) -> Dual { Dual(log(a.v), a.d / a.v) }

/// The loss used by the oracle: time average of o on [0, T] + c2·Σ level·duration over
/// uncensored dwells + c3·Σ o(x(t_g)) on a grid.
struct OracleLoss {
    let observable: Observable
    let grid: [Double]
    let c2 = 0.3, c3 = 0.05

    func adjoint(_ path: Trajectory, network: ReactionNetwork) -> TrajectoryAdjoint {
        let series = path.observableSeries(observable, network: network)
        var adj = TrajectoryAdjoint(for: path, speciesCount: network.speciesCount)
        TrajectoryStatistics.addTimeAverageAdjoint(path, series: series, observable: observable, from: 0, to: path.endTime,
                                                   weight: 1, into: &adj)
        for dwell in TrajectoryStatistics.dwells(path, series: series) where !dwell.censored {
            adj.addDuration(firstSegment: dwell.firstSegment, lastSegment: dwell.lastSegment, weight: c2 * dwell.level)
        }
        TrajectoryStatistics.addGridValueAdjoint(path, observable: observable, grid: grid,
                                                 weights: [Double](repeating: c3, count: grid.count), into: &adj)
        return adj
    }

    /// dL/dθ_p by dual numbers through the surrogate forward pass.
    /// `suppliedDual(j, x, values)` evaluates supplied laws in dual arithmetic.
    ///
    /// Truncation in forward mode: the state tangent a choice creates (ν·ẏ) is kept apart from the
    /// others and lives for K states (the one the choice made and the K − 1 after it), so it
    /// reaches the loss on those states and the propensities of the K events that read them;
    /// then it is dropped. `truncation: nil` never drops one; K = 0 creates none (only the
    /// waiting-time path). At a barrier event n every tangent older than event n's own choice is
    /// dropped from the state after it. This is the reverse pass's ring of K age buckets read the
    /// other way round, and it shares no code with it.
    func dualDerivative(_ path: Trajectory, network: ReactionNetwork, direction p: Int, temperature: Double,
                        straightThrough: Bool = true, truncation: Int? = nil, barriers: Set<Int> = [],
                        relaxation: ChoiceRelaxation = .allReactions,
                        suppliedDual: (Int, [Dual], [Dual]) -> Dual = { _, _, _ in Dual(0) }) -> Double {
        let values = network.parameters.enumerated().map { k, q in Dual(q.value, k == p ? q.value : 0) }  // ∂/∂log k
        let sCount = network.speciesCount
        let createsTangents = straightThrough && truncation != 0
        var primal = path.initialState.map(Double.init)
        // The live state tangents, newest first (one per choice, or one running sum untruncated).
        var tangents: [[Double]] = []
        func dualState() -> [Dual] {
            (0..<sCount).map { s in Dual(primal[s], tangents.reduce(0) { $0 + $1[s] }) }
        }
        var x = dualState()
        var t = Dual(0)
        var times: [Dual] = [], states: [[Dual]] = [x]
        let changes = network.reactions.map(\.netChange)
        func propensity(_ j: Int, _ x: [Dual]) -> Dual {
            switch network.reactions[j].law {
            case .massAction(let k):
                var a = values[k]
                for term in network.reactions[j].reactants {
                    var factor = Dual(1)
                    for m in 0..<term.count { factor = factor * (x[term.species] - Dual(Double(m))) }
                    var fact = 1.0
                    for m in stride(from: 2, through: term.count, by: 1) { fact *= Double(m) }
                    a = a * ((1 / fact) * factor)
                }
                return a.v > 0 ? a : Dual(0, a.v == 0 ? a.d : 0)
            case .supplied: return suppliedDual(j, x, values)
            }
        }
        for n in 1...path.eventCount {
            let r = Int(path.reactions[n - 1])
            let a = network.reactions.indices.map { propensity($0, x) }
            let a0 = a.reduce(Dual(0), +)
            let dtPrimal = path.eventTimes[n - 1] - (n >= 2 ? path.eventTimes[n - 2] : 0)
            let e = dtPrimal * a0.v
            t = t + Dual(e) / a0
            times.append(t)
            let z = StraightThroughGradient.perturbedLogits(propensities: a.map(\.v), chosen: r, noiseKey: path.noiseKey, event: n,
                                                            relaxation: relaxation)
            // The softmax runs over the reactions with a finite perturbed logit (a_j > 0, and with
            // the runner-up relaxation only the chosen one and the runner-up).
            let active = a.indices.filter { a[$0].v > 0 && z[$0] > -.infinity }
            for term in changes[r] { primal[term.species] += Double(term.count) }
            var created = [Double](repeating: 0, count: sCount)
            if createsTangents && active.count >= 2 {
                // y = softmax((ℓ + g)/τ), g = z − ℓ fixed; the state tangent follows Σ_j ν_j y_j.
                let logits = active.map { j in (1 / temperature) * (log(a[j]) + Dual(z[j] - log(a[j].v))) }
                let shift = logits.map(\.v).max()!
                let w = logits.map { exp($0 - Dual(shift)) }
                let norm = w.reduce(Dual(0), +)
                for (i, j) in active.enumerated() {
                    let y = w[i] / norm
                    for term in changes[j] { created[term.species] += Double(term.count) * y.d }
                }
            }
            if barriers.contains(n) {
                tangents = [created]
            } else if let k = truncation {
                tangents.insert(created, at: 0)
                if tangents.count > k { tangents.removeLast() }
            } else if tangents.isEmpty {
                tangents = [created]
            } else {
                for s in 0..<sCount { tangents[0][s] += created[s] }
            }
            x = dualState()
            states.append(x)
        }
        // L1: time average over [0, T] (T fixed).
        let T = path.endTime
        func o(_ s: [Dual]) -> Dual { zip(observable.weights, s).reduce(Dual(0)) { $0 + $1.0 * $1.1 } }
        var integral = Dual(0)
        for n in 0...path.eventCount {
            let start = n == 0 ? Dual(0) : times[n - 1], end = n == path.eventCount ? Dual(T) : times[n]
            integral = integral + o(states[n]) * (end - start)
        }
        var loss = (1 / T) * integral
        // L2: level-weighted durations of uncensored dwells.
        let series = path.observableSeries(observable, network: network)
        for dwell in TrajectoryStatistics.dwells(path, series: series) where !dwell.censored {
            let start = times[dwell.firstSegment - 1]
            let end = dwell.lastSegment == path.eventCount ? Dual(T) : times[dwell.lastSegment]
            loss = loss + (c2 * dwell.level) * (end - start)
        }
        // L3: grid values.
        for g in grid { loss = loss + c3 * o(states[TrajectoryStatistics.segment(containing: g, in: path)]) }
        return loss.d
    }
}

final class GradientOracleTests: XCTestCase {
    func check(network: ReactionNetwork, observable: Observable, horizon: Double, seed: UInt64, temperature: Double,
               truncation: Int?, straightThrough: Bool = true,
               suppliedDual: (Int, [Dual], [Dual]) -> Dual = { _, _, _ in Dual(0) },
               file: StaticString = #filePath, line: UInt = #line) throws -> [Double] {
        let path = try DirectMethodSimulator(network: network).simulate(horizon: .time(horizon), seed: seed)
        XCTAssertGreaterThan(path.eventCount, 20, file: file, line: line)
        let loss = OracleLoss(observable: observable, grid: [0.2 * horizon, 0.5 * horizon, 0.9 * horizon])
        let reverse = try StraightThroughGradient(network: network,
                                                  options: GradientOptions(temperature: temperature, truncation: truncation))
        let gradient = try reverse.gradient(of: path, adjoint: loss.adjoint(path, network: network))
        let oracle = network.parameters.indices.map {
            loss.dualDerivative(path, network: network, direction: $0, temperature: temperature,
                                straightThrough: straightThrough, suppliedDual: suppliedDual)
        }
        let scale = oracle.map(abs).max()!
        XCTAssertGreaterThan(scale, 0, file: file, line: line)
        for k in oracle.indices {
            // Relative to the largest component: rounding in ~10²–10³ chained steps stays far below 1e-9.
            XCTAssertEqual(gradient[k], oracle[k], accuracy: 1e-9 * scale, "parameter \(k)", file: file, line: line)
        }
        return gradient
    }

    func testChannelWithFourChannelsMatchesDualNumbers() throws {
        let network = try chainNetwork(forward: [1000, 2000], backward: [500, 800], channels: 4)
        for tau in [0.5, 0.3] {
            _ = try check(network: network, observable: .species(2, of: network), horizon: 0.05, seed: 3,
                          temperature: tau, truncation: nil)
        }
    }

    func testDimerizationMatchesDualNumbers() throws {
        var network = try loadModel("dimerization")
        network.initialState = [30, 0]
        _ = try check(network: network, observable: Observable(weights: [1, -0.5]), horizon: 10, seed: 4,
                      temperature: 0.7, truncation: nil)
    }

    /// Bimolecular, third-order and supplied laws, plus a reaction that can never fire.
    func testGeneralLawsMatchDualNumbersAndZeroPropensityGetsZeroGradient() throws {
        let (network, dual) = try generalLawsNetwork()
        var zeroComponent: [Double] = []
        for tau in [0.5, 1.0] {
            let g = try check(network: network, observable: Observable(weights: [1, 0, 2, 0]), horizon: 3, seed: 8,
                              temperature: tau, truncation: nil, suppliedDual: dual)
            zeroComponent.append(g[4])
        }
        XCTAssertEqual(zeroComponent, [0, 0], "a reaction that never has propensity > 0 must get exactly zero gradient")
    }

    /// K = 0 keeps only the waiting-time path; dual numbers without the softmax tangent agree.
    func testTruncationZeroIsTheWaitingTimePath() throws {
        let network = try chainNetwork(forward: [1000, 2000], backward: [500, 800], channels: 3)
        _ = try check(network: network, observable: .species(2, of: network), horizon: 0.05, seed: 5,
                      temperature: 0.5, truncation: 0, straightThrough: false)
    }
}

/// Bimolecular, third-order and supplied laws, plus a reaction that can never fire, and the
/// supplied law in dual arithmetic for the oracle. Species A, B, C, D (D stays 0): r0 A+B→C,
/// r1 C→A+B, r2 supplied ∅→A with a = k2·10/(1+B), r3 2A+B→B+C (third order), r4 D→A.
func generalLawsNetwork() throws -> (ReactionNetwork, (Int, [Dual], [Dual]) -> Dual) {
    let supplied = SuppliedPropensity(
        dependencies: [1],
        evaluate: { x, v in v[2] * 10 / (1 + Double(x[1])) },
        derivatives: { x, v, dv, dx in
            let b = 1 + Double(x[1])
            dv[2] += 10 / b
            dx[1] += -v[2] * 10 / (b * b)
        })
    let parameters = (0..<5).map { RateParameter(name: "k\($0)", value: [0.05, 2, 3, 0.002, 7][$0]) }
    let network = try ReactionNetwork(
        species: ["A", "B", "C", "D"], initialState: [20, 15, 0, 0], parameters: parameters,
        reactions: [
            Reaction(name: "bind", reactants: [.init(species: 0, count: 1), .init(species: 1, count: 1)],
                     products: [.init(species: 2, count: 1)], law: .massAction(parameter: 0)),
            Reaction(name: "unbind", reactants: [.init(species: 2, count: 1)],
                     products: [.init(species: 0, count: 1), .init(species: 1, count: 1)], law: .massAction(parameter: 1)),
            Reaction(name: "make", reactants: [], products: [.init(species: 0, count: 1)], law: .supplied(supplied)),
            Reaction(name: "third", reactants: [.init(species: 0, count: 2), .init(species: 1, count: 1)],
                     products: [.init(species: 1, count: 1), .init(species: 2, count: 1)], law: .massAction(parameter: 3)),
            Reaction(name: "never", reactants: [.init(species: 3, count: 1)],
                     products: [.init(species: 0, count: 1)], law: .massAction(parameter: 4)),
        ])
    let dual: (Int, [Dual], [Dual]) -> Dual = { _, x, v in v[2] * (Dual(10) / (Dual(1) + x[1])) }
    return (network, dual)
}
