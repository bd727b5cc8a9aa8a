// The three reference models of the engine benchmarks (same content as Data/models/*.yaml).

/// A named model with the observable its benchmark loss uses.
public struct BenchmarkModel: Sendable {
    public var name: String
    public var network: ReactionNetwork
    /// O for channel3, A for dimerization, R for the oscillator.
    public var observable: Observable
}

/// The built-in benchmark models: `channel3` (C1⇌C2⇌O at 1000, 500, 2000, 800 s⁻¹),
/// `dimerization` (2A ⇌ A₂, kf 0.02, kb 1, A(0) = 100) and `oscillator` (Vilar et al. 2002).
public enum BenchmarkModels {
    /// The channel C1⇌C2⇌O with one channel.
    public static var channel3: BenchmarkModel { make("channel3", channel3YAML, "O") }
    /// Reversible dimerization.
    public static var dimerization: BenchmarkModel { make("dimerization", dimerizationYAML, "A") }
    /// The Vilar activator–repressor oscillator.
    public static var oscillator: BenchmarkModel { make("oscillator", oscillatorYAML, "R") }
    /// All three, in report order.
    public static var all: [BenchmarkModel] { [channel3, dimerization, oscillator] }

    /// A larger network for the selection benchmarks: `molecules` molecules on a linear chain of
    /// `states` states, S_i ⇌ S_{i+1} at rates 100·(1 + i mod 7) forward and 80·(1 + i mod 5)
    /// backward (2·(states − 1) first-order reactions); observable: the last state.
    public static func chain(states: Int, molecules: Int) -> BenchmarkModel {
        let n = max(states, 2)
        let species = (0..<n).map { "S\($0)" }
        var parameters: [RateParameter] = [], reactions: [Reaction] = []
        for i in 0..<(n - 1) {
            parameters.append(RateParameter(name: "f\(i)", value: 100 * Double(1 + i % 7)))
            parameters.append(RateParameter(name: "b\(i)", value: 80 * Double(1 + i % 5)))
            reactions.append(Reaction(name: "S\(i)->S\(i + 1)", reactants: [.init(species: i, count: 1)],
                                      products: [.init(species: i + 1, count: 1)], law: .massAction(parameter: 2 * i)))
            reactions.append(Reaction(name: "S\(i + 1)->S\(i)", reactants: [.init(species: i + 1, count: 1)],
                                      products: [.init(species: i, count: 1)], law: .massAction(parameter: 2 * i + 1)))
        }
        var initial = [Int](repeating: 0, count: n)
        initial[0] = max(molecules, 1)
        // Positive finite rates and in-range indices by construction: failure is a programming error.
        guard let network = try? ReactionNetwork(species: species, initialState: initial, parameters: parameters,
                                                 reactions: reactions) else {
            fatalError("chain model is invalid")
        }
        return BenchmarkModel(name: "chain\(n)", network: network, observable: .species(n - 1, of: network))
    }

    private static func make(_ name: String, _ yaml: String, _ species: String) -> BenchmarkModel {
        // The embedded texts are fixed and covered by tests; failure here is a programming error.
        guard let network = try? ReactionNetwork(yaml: yaml), let s = network.speciesIndex(species) else {
            fatalError("built-in model \(name) is invalid")
        }
        return BenchmarkModel(name: name, network: network, observable: .species(s, of: network))
    }

    // MARK: - Model texts

    static let channel3YAML = """
    name: channel3
    species: {C1: 1, C2: 0, O: 0}
    parameters: {k12: 1000, k21: 500, k23: 2000, k32: 800}
    reactions:
      - {name: C1->C2, reactants: {C1: 1}, products: {C2: 1}, rate: k12}
      - {name: C2->C1, reactants: {C2: 1}, products: {C1: 1}, rate: k21}
      - {name: C2->O,  reactants: {C2: 1}, products: {O: 1},  rate: k23}
      - {name: O->C2,  reactants: {O: 1},  products: {C2: 1}, rate: k32}
    """

    static let dimerizationYAML = """
    name: dimerization
    species: {A: 100, A2: 0}
    parameters: {kf: 0.02, kb: 1.0}
    reactions:
      - {name: dimerize,   reactants: {A: 2},  products: {A2: 1}, rate: kf}
      - {name: dissociate, reactants: {A2: 1}, products: {A: 2},  rate: kb}
    """

    static let oscillatorYAML = """
    name: vilar-oscillator
    species: {DA: 1, DAp: 0, DR: 1, DRp: 0, MA: 0, MR: 0, A: 0, R: 0, C: 0}
    parameters: {alphaA: 50, alphaAp: 500, alphaR: 0.01, alphaRp: 50, betaA: 50, betaR: 5, deltaMA: 10,
                 deltaMR: 0.5, deltaA: 1, deltaR: 0.2, gammaA: 1, gammaR: 1, gammaC: 2, thetaA: 50, thetaR: 100}
    reactions:
      - {name: bindA,        reactants: {DA: 1, A: 1}, products: {DAp: 1},        rate: gammaA}
      - {name: unbindA,      reactants: {DAp: 1},      products: {DA: 1, A: 1},   rate: thetaA}
      - {name: bindR,        reactants: {DR: 1, A: 1}, products: {DRp: 1},        rate: gammaR}
      - {name: unbindR,      reactants: {DRp: 1},      products: {DR: 1, A: 1},   rate: thetaR}
      - {name: txA,          reactants: {DA: 1},       products: {DA: 1, MA: 1},  rate: alphaA}
      - {name: txAp,         reactants: {DAp: 1},      products: {DAp: 1, MA: 1}, rate: alphaAp}
      - {name: txR,          reactants: {DR: 1},       products: {DR: 1, MR: 1},  rate: alphaR}
      - {name: txRp,         reactants: {DRp: 1},      products: {DRp: 1, MR: 1}, rate: alphaRp}
      - {name: tlA,          reactants: {MA: 1},       products: {MA: 1, A: 1},   rate: betaA}
      - {name: tlR,          reactants: {MR: 1},       products: {MR: 1, R: 1},   rate: betaR}
      - {name: complex,      reactants: {A: 1, R: 1},  products: {C: 1},          rate: gammaC}
      - {name: complexDecay, reactants: {C: 1},        products: {R: 1},          rate: deltaA}
      - {name: decayA,       reactants: {A: 1},        products: {},              rate: deltaA}
      - {name: decayR,       reactants: {R: 1},        products: {},              rate: deltaR}
      - {name: decayMA,      reactants: {MA: 1},       products: {},              rate: deltaMA}
      - {name: decayMR,      reactants: {MR: 1},       products: {},              rate: deltaMR}
    """
}
