import Foundation
import StochasticKinetics

/// A gating scheme as a reaction network of N channels (ARCHITECTURE.md §4, route 1): one
/// species per state (how many channels are in it), one first-order reaction per non-zero
/// Q-matrix entry, its rate parameter on the log scale.
///
/// The network's coordinates φ are log(effective rate) per reaction; the fit's free
/// parameters θ reach them through the scheme's affine `ParameterMap` plus the log of the
/// concentration/voltage factor, so ∂L/∂θ = Aᵀ·∂L/∂φ with A the map's coefficient rows.
public struct SchemeNetwork: Sendable {
    /// The network (initial state: all channels in state 0; callers draw their own starts).
    public let network: ReactionNetwork
    /// For each reaction (= network parameter), the scheme transition it is.
    public let transitionOfReaction: [Int]
    /// log of the rate-law factor (c, exp(kV)) of each reaction at these conditions.
    public let logFactor: [Double]
    /// The conditions the network was built for.
    public let conditions: RecordConditions
    /// Channels in the patch.
    public let channels: Int

    /// Builds the network in Q-matrix order (row i, then column j) — the order the simulated
    /// records of `patchfit synthesize` use, so the same seed gives the same record.
    /// - Throws: `invalidArgument` for channels < 1 or two transitions between the same pair
    ///   of states; theory errors from the Q-matrix.
    public init(_ scheme: GatingScheme, conditions: RecordConditions, channels: Int) throws {
        guard channels >= 1 else { throw GatingModelsError.invalidArgument(name: "channels", reason: "must be ≥ 1, got \(channels)") }
        let q = try scheme.qMatrix(conditions)
        let n = q.stateCount
        var parameters: [RateParameter] = [], reactions: [Reaction] = []
        var transitionOf: [Int] = [], factors: [Double] = []
        for i in 0..<n {
            for j in 0..<n where i != j && q.matrix[i, j] > 0 {
                let candidates = scheme.transitions.indices.filter { scheme.transitions[$0].from == i && scheme.transitions[$0].to == j }
                guard candidates.count == 1, let t = candidates.first else {
                    throw GatingModelsError.invalidArgument(name: "scheme", reason: "states \(scheme.states[i].name) → \(scheme.states[j].name) are joined by \(candidates.count) transitions; the simulator needs exactly one")
                }
                let transition = scheme.transitions[t]
                parameters.append(RateParameter(name: transition.name, value: q.matrix[i, j]))
                reactions.append(Reaction(name: "\(scheme.states[i].name)->\(scheme.states[j].name)",
                                          reactants: [StoichiometryTerm(species: i, count: 1)],
                                          products: [StoichiometryTerm(species: j, count: 1)],
                                          law: .massAction(parameter: parameters.count - 1)))
                transitionOf.append(t)
                factors.append(log(q.matrix[i, j]) - log(transition.value))
            }
        }
        var initial = [Int](repeating: 0, count: n)
        initial[0] = channels
        network = try ReactionNetwork(name: scheme.name, species: scheme.states.map(\.name), initialState: initial,
                                      parameters: parameters, reactions: reactions)
        transitionOfReaction = transitionOf
        logFactor = factors
        self.conditions = conditions
        self.channels = channels
    }

    /// The observable whose levels the data show: the conductance class for one channel, the
    /// number of open channels for several.
    public static func levelObservable(_ scheme: GatingScheme, channels: Int) -> Observable {
        Observable(weights: scheme.states.map { channels == 1 ? Double($0.conductanceClass) : ($0.isOpen ? 1 : 0) })
    }

    /// A starting state of `channels` channels, each drawn independently from `occupancy`
    /// (equilibrium occupancies) with one uniform from `draw`.
    public static func equilibriumStart(occupancy: [Double], channels: Int, draw: inout RandomStream) -> [Int] {
        var x0 = [Int](repeating: 0, count: occupancy.count)
        for _ in 0..<channels {
            var u = draw.uniform(), s = 0
            while s < occupancy.count - 1, u >= occupancy[s] { u -= occupancy[s]; s += 1 }
            x0[s] += 1
        }
        return x0
    }

    /// Network coordinates φ (log effective rates) for the scheme's free log-rates θ.
    public func coordinates(_ scheme: GatingScheme, theta: [Double]) -> [Double] {
        let k = scheme.parameterMap.rateConstants(theta)
        return transitionOfReaction.indices.map { log(k[transitionOfReaction[$0]]) + logFactor[$0] }
    }

    /// ∂L/∂θ from ∂L/∂φ (chain rule through the affine parameter map).
    public func thetaGradient(_ scheme: GatingScheme, coordinateGradient g: [Double]) -> [Double] {
        let a = scheme.parameterMap.coefficients
        var out = [Double](repeating: 0, count: scheme.parameterMap.freeRates.count)
        for (p, t) in transitionOfReaction.enumerated() where t < a.count {
            for j in out.indices where j < a[t].count { out[j] += a[t][j] * g[p] }
        }
        return out
    }
}
