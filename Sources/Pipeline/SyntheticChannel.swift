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

        // Current of each state configuration, integrated over every sample interval.
        let dt = 1 / s.sampleRate
        let count = Int((s.duration * s.sampleRate).rounded(.down))
        let amplitude = scheme.states.map(\.amplitude)
        var signal = [Double](repeating: 0, count: count)
        var state = x0
        var current = zip(state, amplitude).reduce(0) { $0 + Double($1.0) * $1.1 }
        var t = 0.0
        for n in 0...trajectory.eventCount {
            let end = min(trajectory.segmentEnd(n), Double(count) * dt)
            // Walk the sample bins this segment covers; the bin index is carried along rather
            // than recomputed from a/dt, which rounding can put one bin behind.
            var a = t
            var i = min(count - 1, Int(a / dt))
            while a < end, count > 0 {
                let b = min(end, Double(i + 1) * dt)
                if b > a { signal[i] += current * (b - a) / dt }
                if b >= end || i + 1 >= count { break }
                a = b
                i += 1
            }
            t = max(t, end)
            guard n < trajectory.eventCount else { break }
            let reaction = network.reactions[Int(trajectory.reactions[n])]
            let from = reaction.reactants[0].species, to = reaction.products[0].species
            state[from] -= 1
            state[to] += 1
            current += amplitude[to] - amplitude[from]
        }
        // White noise, filtered with the signal and scaled to the requested RMS after filtering.
        var noise = [Double](repeating: 0, count: count)
        var gauss = RandomStream(seed: s.seed, stream: UInt64(1 << 40) + UInt64(record))
        for i in stride(from: 0, to: count, by: 2) {
            let r = (-2 * log(gauss.uniformPositive())).squareRoot(), phi = 2 * Double.pi * gauss.uniform()
            noise[i] = r * cos(phi)
            if i + 1 < count { noise[i + 1] = r * sin(phi) }
        }
        let filter = GaussianFilter(cutoff: s.filterHz)
        let filteredSignal = try filter.apply(signal, sampleInterval: dt)
        let filteredNoise = try filter.apply(noise, sampleInterval: dt)
        let rms = (filteredNoise.reduce(0) { $0 + $1 * $1 } / Double(max(1, count))).squareRoot()
        let k = rms > 0 ? s.noiseRMS / rms : 0
        let samples = (0..<count).map { Float(filteredSignal[$0] + k * filteredNoise[$0]) }
        let meta = ["scheme": scheme.name, "channels": String(s.channels), "filter_Hz": String(s.filterHz),
                    "noise_rms_pA": String(s.noiseRMS), "seed": String(s.seed), "record": String(record),
                    "concentration_M": String(s.conditions.concentration), "events": String(trajectory.eventCount)]
        return Recording(channels: [RecordingChannel(name: "I_sim", units: "pA", sweeps: [samples])], sampleInterval: dt,
                         provenance: Provenance(file: "", format: .synthetic, formatVersion: PatchFitVersion.current, metadata: meta))
    }
}
