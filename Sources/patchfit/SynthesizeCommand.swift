import ArgumentParser
import Foundation
import GatingModels
import PatchData
import Pipeline

struct SynthesizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        abstract: "Simulate a patch gating by a known scheme and write it as an NWB recording.",
        discussion: "Exact Gillespie gating, current averaged per sample, white noise, Gaussian filter. The same seed gives the same file.")

    @Option(help: "Gating scheme (YAML), e.g. Data/schemes/cco.yaml.")
    var scheme: String

    @Option(help: "Agonist concentration (M).")
    var concentration: Double = 0

    @Option(help: "Membrane potential (V) for voltage-dependent rates.")
    var voltage: Double = 0

    @Option(help: "Channels in the patch.")
    var channels = 1

    @Option(help: "Simulated time (s).")
    var duration: Double

    @Option(help: "Sample rate (Hz).")
    var sampleRate: Double = 50_000

    @Option(help: "Gaussian filter cut-off applied to the rendered trace (Hz).")
    var filterHz: Double = 2_000

    @Option(help: "Noise RMS after filtering (pA).")
    var noiseRMS: Double = 0.3

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Output NWB file.")
    var out: String

    func validate() throws {
        guard duration > 0, sampleRate > 0, filterHz > 0, filterHz < sampleRate / 2, noiseRMS >= 0, channels >= 1 else {
            throw ValidationError("need duration > 0, 0 < filter-hz < sample-rate/2, noise-rms ≥ 0, channels ≥ 1")
        }
    }

    func run() throws {
        let gating = try GatingScheme(contentsOf: scheme)
        let settings = SyntheticChannel.Settings(conditions: RecordConditions(concentration: concentration, voltage: voltage),
                                                 channels: channels, duration: duration, sampleRate: sampleRate,
                                                 filterHz: filterHz, noiseRMS: noiseRMS, seed: seed)
        let recording = try SyntheticChannel.record(gating, settings: settings)
        let command = CommandLine.arguments.dropFirst().joined(separator: " ")
        try NwbFile.write(recording, to: out, sessionDescription: "PatchFit synthetic record: patchfit \(command)")
        print("wrote \(out): \(recording.samplesPerSweep[0]) samples at \(sampleRate) Hz, \(recording.provenance.metadata["events"] ?? "?") gating events")
    }
}
