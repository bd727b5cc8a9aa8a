import Foundation

/// Headerless little-endian samples (float32 or int16), one channel, one sweep.
///
/// Raw files carry no magic bytes, so they are read only when `ReadOptions.rawSampleType` says
/// so, and need `ReadOptions.sampleRate`. int16 samples are multiplied by `rawScale`.
enum RawSampleFile {
    static func read(_ r: ByteReader, type: RawSampleType, options: ReadOptions) throws(PatchDataError) -> Recording {
        guard let rate = options.sampleRate, rate > 0, rate.isFinite else {
            throw PatchDataError(.invalidField, file: r.file, field: "sample rate", reason: "raw samples need a sample rate")
        }
        let size = type == .float32 ? 4 : 2
        guard r.count % size == 0 else {
            throw PatchDataError(.truncated, file: r.file, field: "samples", offset: r.count - r.count % size,
                                 reason: "\(r.count) bytes is not a whole number of \(type.rawValue) samples")
        }
        let n = r.count / size
        var samples = [Float](repeating: 0, count: n)
        var badIndex: Int?
        let scale = Float(options.rawScale)
        samples.withUnsafeMutableBufferPointer { out in
            r.data.withUnsafeBytes { raw in
                if type == .float32 {
                    for i in 0..<n {
                        let x = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                        if !x.isFinite, badIndex == nil { badIndex = i }
                        out[i] = x
                    }
                } else {
                    for i in 0..<n { out[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) * scale }
                }
            }
        }
        if let i = badIndex {
            throw PatchDataError(.invalidValue, file: r.file, field: "samples", offset: i * size, reason: "sample \(i) is not finite")
        }
        let channel = RecordingChannel(name: "raw", units: options.units ?? "", sweeps: [samples])
        return Recording(channels: [channel], sampleInterval: 1 / rate,
                         provenance: Provenance(file: r.file, format: .rawBinary, formatVersion: type.rawValue))
    }
}
