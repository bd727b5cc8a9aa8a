import Foundation
import PatchData
import StochasticKinetics

/// How a simulated record is turned into resolved dwells when the data went through more than
/// a resolution: rendered as a current (the recording's levels, bandwidth and noise) and
/// idealised by the same method and settings as the data, so the simulation carries the
/// idealisation's own missed, merged and misassigned events. Callers (the Pipeline) build it
/// from what the data's idealisation measured; GatingModels only calls it.
///
/// The likelihood-ratio estimator needs only each resolved interval's start time, which an
/// idealised record has; the straight-through estimator needs trajectory segments and so is
/// not available with an observation.
public struct SSAObservation: Sendable {
    /// One line for reports ("rendered at 50 kHz, 5 kHz Gaussian, 0.40 pA noise; SKM, 3 levels").
    public var summary: String
    /// (trajectory, level on every segment, record length in s, seed) → the resolved dwells of
    /// the whole record from t = 0, leading dropped intervals excepted.
    public var observe: @Sendable (_ path: Trajectory, _ segmentLevels: [Double], _ duration: Double, _ seed: UInt64) throws -> DwellSequence

    public init(summary: String,
                observe: @escaping @Sendable (_ path: Trajectory, _ segmentLevels: [Double], _ duration: Double, _ seed: UInt64) throws -> DwellSequence) {
        self.summary = summary
        self.observe = observe
    }
}
