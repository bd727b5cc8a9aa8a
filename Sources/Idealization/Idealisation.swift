import PatchData
import SignalProcessing

/// The outcome of idealising one channel of a record.
public struct Idealisation: Sendable, Equatable {
    /// The dwell list with the resolution imposed (`resolution` set) if one was.
    public var dwells: DwellSequence
    /// The dwell list exactly as the samples were classified (before resolution imposition).
    public var unresolvedDwells: DwellSequence
    /// Level (class) of every sample, sweeps laid end to end: 0 shut, k the k-th level up
    /// from shut in the direction of opening.
    public var samplePath: [UInt8]
    /// Mean current of each class, pA (class 0 = shut), after drift removal.
    public var levels: [Double]
    /// Noise SD of each class, pA.
    public var levelSDs: [Double]
    /// Per-sample transition probabilities between classes (row → column).
    public var transitionProbabilities: [[Double]]
    /// RMS noise of the closed level, pA (samples within half an amplitude of it).
    public var closedNoiseRMS: Double
    /// What the mains filter found and removed.
    public var lineNoise: LineNoiseFilter.Report
    /// Peak-to-peak size of the baseline drift removed, pA (0 if none).
    public var driftPeakToPeak: Double
    /// SKM/Baum–Welch iterations of the last pass.
    public var iterations: Int
    /// Things a user should know (e.g. a level with very few samples).
    public var warnings: [String]

    /// Number of classes.
    public var levelCount: Int { levels.count }
}
