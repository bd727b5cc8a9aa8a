import Foundation
import PatchData

extension Idealiser {
    /// Idealises `samples` with a level model that is already known — what an idealisation of
    /// the same kind of record converged to — instead of estimating one: no conditioning, no
    /// level detection, no re-estimation. SKM and Baum–Welch decode the Viterbi path of
    /// `model`; threshold crossing splits halfway between its levels. Then the resolution is
    /// imposed as in `idealise`.
    ///
    /// This is the data's idealisation held fixed, for records simulated to look like the data
    /// (the SSA route's observation model): one pass instead of a mixture fit and up to
    /// `maxIterations` SKM passes, and the same decoder for every simulated record, so the loss
    /// does not pick up the re-estimation's own noise. A level the record never visits is
    /// allowed (the model is given, not fitted).
    ///
    /// - Parameters:
    ///   - model: levels (any order), their noise SDs and per-sample transition probabilities.
    ///   - settings: `method`, `openDirection` and `resolution` are used; conditioning and level
    ///     settings are not.
    public static func idealise(samples: [Double], sampleInterval: Double, segments: [Range<Int>]? = nil,
                                knownModel model: LevelModel, settings: IdealisationSettings,
                                provenance: Provenance = Provenance(file: "", format: .synthetic)) throws -> Idealisation {
        try settings.validate()
        guard sampleInterval.isFinite, sampleInterval > 0 else {
            throw IdealizationError.invalidSetting("sample interval must be > 0 s, got \(sampleInterval)")
        }
        try check(model)
        try IdealizationError.check(samples)
        let segments = (segments ?? [0..<samples.count]).filter { !$0.isEmpty }
        guard !segments.isEmpty else { throw IdealizationError.emptyRecord }
        let ascending = model.sorted().0
        let path: [UInt8]
        switch settings.method {
        case .threshold: path = ThresholdCrossing.classify(samples, levels: ascending.means)
        case .skm, .baumWelch: path = Viterbi.path(samples, model: ascending, segments: segments)
        }
        let fit = LevelFit(model: ascending, path: path, iterations: 0)
        return try assemble(fit, conditioned: samples, drift: [Double](repeating: 0, count: samples.count), segments: segments,
                            sampleInterval: sampleInterval, settings: settings, lineReport: .none, provenance: provenance,
                            everyLevelVisited: false)
    }

    /// A usable model: ≥ 2 finite distinct levels, positive SDs, stochastic transition rows.
    static func check(_ model: LevelModel) throws {
        let k = model.count
        func bad(_ why: String) -> IdealizationError { .invalidSetting("known level model: \(why)") }
        guard k >= 2, k <= 255 else { throw bad("needs 2…255 levels, got \(k)") }
        guard model.means.allSatisfy(\.isFinite), Set(model.means).count == k else { throw bad("levels must be finite and distinct") }
        guard model.sds.count == k, model.sds.allSatisfy({ $0.isFinite && $0 > 0 }) else { throw bad("every level needs a noise SD > 0") }
        guard model.initial.count == k, model.transitions.count == k,
              model.transitions.allSatisfy({ row in row.count == k && row.allSatisfy { $0 >= 0 && $0.isFinite }
                                                 && abs(row.reduce(0, +) - 1) < 1e-6 }) else {
            throw bad("transition rows must be \(k) probabilities summing to 1")
        }
    }
}
