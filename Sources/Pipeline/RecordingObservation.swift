import Foundation
import GatingModels
import Idealization
import PatchData
import SignalProcessing
import StochasticKinetics

/// The SSA route's view of a simulated record when the data were idealised from a recording:
/// render the simulated levels as the recording looked after conditioning (the idealisation's
/// level currents, the combined Gaussian bandwidth of acquisition and conditioning filters,
/// white noise scaled to the measured closed-level RMS after filtering), then idealise it with
/// the data's method, level count and resolution. Leaves out what a Gaussian white-noise model
/// does not have (line noise, drift, 1/f noise).
public enum RecordingObservation {
    /// Nil when the idealisation did not come from samples (an idealised file was read).
    static func make(_ ideal: IdealiseOutput, spec: PipelineSpec) -> SSAObservation? {
        guard let dt = ideal.sampleInterval, dt > 0, ideal.levelCurrents.count >= 2,
              let noise = ideal.closedNoiseRMS, noise.isFinite else { return nil }
        let filters = [spec.condition.filterHz, spec.condition.acquisitionFilterHz].compactMap { $0 }.filter { $0 > 0 }
        let bandwidth: Double? = filters.isEmpty ? nil : 1 / filters.reduce(0) { $0 + 1 / ($1 * $1) }.squareRoot()
        let k = ideal.levelCurrents.count
        let converged = ideal.transitionProbabilities.map {
            LevelModel(means: ideal.levelCurrents, sds: ideal.levelSDs, transitions: $0,
                       initial: [Double](repeating: 1 / Double(k), count: k))
        }
        return observation(sampleInterval: dt, levelCurrents: ideal.levelCurrents, noiseRMS: noise, bandwidth: bandwidth,
                           method: spec.idealise.method == "threshold" ? .threshold : .skm, resolution: spec.idealise.resolution,
                           transitionTiming: IdealisationSettings.TransitionTiming(rawValue: spec.idealise.transitionTimes) ?? .interpolated,
                           knownModel: converged)
    }

    /// The observation for records sampled every `sampleInterval` s with these level currents
    /// (pA, level 0 first), Gaussian `bandwidth` (Hz; nil = none) and closed-level noise RMS
    /// after filtering, idealised by `method` with as many levels and `resolution` imposed, the
    /// transitions timed as the data's (`transitionTiming`).
    /// With `knownModel` (the data's converged level model, class order) each simulated record is
    /// decoded with that model held fixed — the data's idealisation at its fixed point, several
    /// times cheaper than estimating levels afresh; without it, levels are estimated per record.
    public static func observation(sampleInterval dt: Double, levelCurrents currents: [Double], noiseRMS noise: Double,
                                   bandwidth: Double?, method: IdealisationSettings.Method, resolution: Double?,
                                   transitionTiming: IdealisationSettings.TransitionTiming = .interpolated,
                                   knownModel: LevelModel? = nil) -> SSAObservation {
        var settings = IdealisationSettings()
        settings.filterCutoff = nil                 // rendered at the conditioned bandwidth already
        settings.acquisitionFilterCutoff = bandwidth
        settings.lineNoise = .off
        settings.baselineCorrection = false
        settings.method = method
        settings.levelCount = currents.count
        // The data's levels say which way is open; auto detection can flip a high-Popen record.
        settings.openDirection = currents[currents.count - 1] >= currents[0] ? .up : .down
        settings.resolution = resolution
        settings.transitionTiming = transitionTiming
        let idealisation = settings
        let summary = String(format: "simulated records rendered at %.0f kHz", 1e-3 / dt)
            + (bandwidth.map { String(format: ", %.2f kHz Gaussian", $0 / 1000) } ?? "")
            + String(format: ", %.2f pA noise; idealised with %d levels", noise, currents.count)
            + (knownModel == nil ? "" : " of the data's level model")
        return SSAObservation(summary: summary) { path, levels, duration, seed in
            let samples = try render(path, levels: levels, duration: duration, sampleInterval: dt, currents: currents,
                                     bandwidth: bandwidth, noiseRMS: noise, seed: seed)
            if let knownModel {
                return try Idealiser.idealise(samples: samples.map(Double.init), sampleInterval: dt, knownModel: knownModel,
                                              settings: idealisation).dwells
            }
            let recording = Recording(channels: [RecordingChannel(name: "I_sim", units: "pA", sweeps: [samples])], sampleInterval: dt,
                                      provenance: Provenance(file: "simulated", format: .synthetic))
            return try Idealiser.idealise(recording, channel: 0, settings: idealisation).dwells
        }
    }

    /// Samples of the level currents averaged over each sample interval, plus white noise, both
    /// through the Gaussian filter; the noise scaled to `noiseRMS` after filtering.
    public static func render(_ path: Trajectory, levels: [Double], duration: Double, sampleInterval dt: Double, currents: [Double],
                       bandwidth: Double?, noiseRMS: Double, seed: UInt64) throws -> [Float] {
        let top = currents.count - 1
        let segmentCurrents = levels.map { currents[min(max(Int($0.rounded()), 0), top)] }
        var draw = RandomStream(seed: seed, stream: 0)
        return try SyntheticChannel.sampledCurrent(path, segmentCurrents: segmentCurrents, count: Int((duration / dt).rounded(.down)),
                                                   sampleInterval: dt, filterHz: bandwidth, noiseRMS: noiseRMS, noise: &draw)
    }
}
