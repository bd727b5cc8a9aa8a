import Foundation

/// Measures how fast PatchFit reads large gap-free recordings (`patchfit bench ingest`).
///
/// Writes a synthetic gap-free ABF1 (int16) and NWB (float32) file of about `bytes` bytes each
/// into `folder`, reads each `repeats` times and reports the best throughput. Figures, not tests.
public enum ReadThroughput {
    public struct Measurement: Codable, Sendable {
        public var format: String
        public var bytes: Int
        public var samples: Int
        public var bestSeconds: Double
        public var megabytesPerSecond: Double
        public var megasamplesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case format, bytes, samples
            case bestSeconds = "best_seconds", megabytesPerSecond = "mb_per_second", megasamplesPerSecond = "msamples_per_second"
        }
    }

    public static func measure(folder: String, bytes: Int = 100_000_000, repeats: Int = 3) throws(PatchDataError) -> [Measurement] {
        // A channel-like signal: noise around two levels, so the ABF gain is realistic.
        func trace(_ n: Int) -> [Float] {
            var state: UInt64 = 12345
            return (0..<n).map { i in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
                return ((i / 5000) % 2 == 0 ? 0 : -5) + noise
            }
        }
        let abfPath = (folder as NSString).appendingPathComponent("bench-gapfree.abf")
        let nwbPath = (folder as NSString).appendingPathComponent("bench-gapfree.nwb")
        defer {
            try? FileManager.default.removeItem(atPath: abfPath)
            try? FileManager.default.removeItem(atPath: nwbPath)
        }
        let abfSamples = bytes / 2, nwbSamples = bytes / 4
        let provenance = Provenance(file: "", format: .synthetic)
        try AbfFile.writeGapFreeABF1(Recording(channels: [RecordingChannel(name: "IN 0", units: "pA", sweeps: [trace(abfSamples)])],
                                               sampleInterval: 1e-5, provenance: provenance), to: abfPath)
        try NwbFile.write(Recording(channels: [RecordingChannel(name: "Im", units: "pA", sweeps: [trace(nwbSamples)])],
                                    sampleInterval: 1e-5, provenance: provenance), to: nwbPath)
        var results: [Measurement] = []
        for (format, path, samples) in [("abf1-int16", abfPath, abfSamples), ("nwb-float32", nwbPath, nwbSamples)] {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            var best = Double.infinity
            for _ in 0..<max(1, repeats) {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try PatchFileReader.read(path)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            results.append(Measurement(format: format, bytes: size, samples: samples, bestSeconds: best,
                                       megabytesPerSecond: Double(size) / best / 1e6, megasamplesPerSecond: Double(samples) / best / 1e6))
        }
        return results
    }
}
