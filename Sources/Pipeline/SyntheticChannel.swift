import Foundation
import GatingModels
import PatchData
import SignalProcessing
import StochasticKinetics

/// Simulates a patch of channels gating by a known scheme and renders the current the way an
/// amplifier and digitiser would: exact Gillespie gating (StochasticKinetics), the current
/// averaged over each sample interval, white noise, and a Gaussian low-pass filter applied to
/// signal and noise alike. The noise is scaled so that its RMS *after* filtering is `noiseRMS`.
public enum SyntheticChannel {
    public struct Settings: Sendable, Equatable {
        public var conditions: RecordConditions
        public var channels: Int
        public var duration: Double
        public var sampleRate: Double
        public var filterHz: Double
        public var noiseRMS: Double
        public var seed: UInt64

        public init(conditions: RecordConditions, channels: Int = 1, duration: Double, sampleRate: Double = 100_000,
                    filterHz: Double = 5_000, noiseRMS: Double = 0.3, seed: UInt64 = 1) {
            self.conditions = conditions
            self.channels = channels
            self.duration = duration
            self.sampleRate = sampleRate
            self.filterHz = filterHz
            self.noiseRMS = noiseRMS
            self.seed = seed
        }
    }

    /// The scheme as a reaction network: one species per state (its channel count), one
    /// first-order reaction per non-zero Q entry (GatingModels' `SchemeNetwork`, the network
    /// the SSA fit route simulates).
    public static func network(_ scheme: GatingScheme, conditions: RecordConditions, channels: Int) throws -> ReactionNetwork {
        try SchemeNetwork(scheme, conditions: conditions, channels: channels).network
    }

    /// One simulated record. `record` selects an independent random stream, so records are
    /// the same whichever order or process makes them.
    public static func record(_ scheme: GatingScheme, settings s: Settings, record: Int = 0) throws -> Recording {
        let network = try network(scheme, conditions: s.conditions, channels: s.channels)
        let q = try scheme.qMatrix(s.conditions)
        // Start at equilibrium: each channel's state drawn from p∞.
        let occupancy = try q.equilibriumOccupancies()
        var draw = RandomStream(seed: s.seed, stream: UInt64(2 * record + 1))
        let x0 = SchemeNetwork.equilibriumStart(occupancy: occupancy, channels: s.channels, draw: &draw)
        let trajectory = try DirectMethodSimulator(network: network)
            .simulate(horizon: .time(s.duration), seed: s.seed, index: 2 * record, initialState: x0)

        // Current of each state configuration on every segment of the trajectory.
        let dt = 1 / s.sampleRate
        let count = Int((s.duration * s.sampleRate).rounded(.down))
        let amplitude = scheme.states.map(\.amplitude)
        var segmentCurrents = [Double](repeating: 0, count: trajectory.eventCount + 1)
        var current = zip(x0, amplitude).reduce(0) { $0 + Double($1.0) * $1.1 }
        segmentCurrents[0] = current
        for n in 0..<trajectory.eventCount {
            let reaction = network.reactions[Int(trajectory.reactions[n])]
            current += amplitude[reaction.products[0].species] - amplitude[reaction.reactants[0].species]
            segmentCurrents[n + 1] = current
        }
        var gauss = RandomStream(seed: s.seed, stream: UInt64(1 << 40) + UInt64(record))
        let samples = try sampledCurrent(trajectory, segmentCurrents: segmentCurrents, count: count, sampleInterval: dt,
                                         filterHz: s.filterHz, noiseRMS: s.noiseRMS, noise: &gauss)
        let meta = ["scheme": scheme.name, "channels": String(s.channels), "filter_Hz": String(s.filterHz),
                    "noise_rms_pA": String(s.noiseRMS), "seed": String(s.seed), "record": String(record),
                    "concentration_M": String(s.conditions.concentration), "events": String(trajectory.eventCount)]
        return Recording(channels: [RecordingChannel(name: "I_sim", units: "pA", sweeps: [samples])], sampleInterval: dt,
                         provenance: Provenance(file: "", format: .synthetic, formatVersion: PatchFitVersion.current, metadata: meta))
    }

    /// `count` samples of a trajectory's current (`segmentCurrents[n]` on segment n) averaged
    /// over each sample interval, plus white noise from `draw`, both through the Gaussian
    /// filter (when given); the noise scaled so that its RMS after filtering is `noiseRMS`.
    static func sampledCurrent(_ path: Trajectory, segmentCurrents: [Double], count: Int, sampleInterval dt: Double,
                               filterHz: Double?, noiseRMS: Double, noise draw: inout RandomStream) throws -> [Float] {
        guard count > 0 else { return [] }
        var signal = [Double](repeating: 0, count: count)
        for n in 0...path.eventCount {
            let a = path.segmentStart(n), end = min(path.segmentEnd(n), Double(count) * dt)
            // Walk the sample bins this segment covers; the bin index is carried along rather
            // than recomputed from t/dt, which rounding can put one bin behind.
            var t = a
            var i = min(count - 1, Int(a / dt))
            while t < end {
                let b = min(end, Double(i + 1) * dt)
                if b > t { signal[i] += segmentCurrents[n] * (b - t) / dt }
                if b >= end || i + 1 >= count { break }
                t = b
                i += 1
            }
        }
        var noise = [Double](repeating: 0, count: count)
        for i in stride(from: 0, to: count, by: 2) {
            let r = (-2 * log(draw.uniformPositive())).squareRoot(), phi = 2 * Double.pi * draw.uniform()
            noise[i] = r * cos(phi)
            if i + 1 < count { noise[i + 1] = r * sin(phi) }
        }
        if let fc = filterHz {
            let filter = GaussianFilter(cutoff: fc)
            signal = try filter.apply(signal, sampleInterval: dt)
            noise = try filter.apply(noise, sampleInterval: dt)
        }
        let rms = (noise.reduce(0) { $0 + $1 * $1 } / Double(count)).squareRoot()
        let k = rms > 0 ? noiseRMS / rms : 0
        return (0..<count).map { Float(signal[$0] + k * noise[$0]) }
    }
}
