import Foundation

extension AbfFile {
    /// The header size of the ABF1 files PatchFit writes (the classic 2 KiB header of
    /// ABF 1.5, which Clampfit and pyABF both read).
    static let abf1HeaderBytes = 2048

    /// Writes the first sweep of every channel as a gap-free int16 ABF1 file, atomically.
    ///
    /// Each channel gets its own gain and offset (via fInstrumentScaleFactor and
    /// fInstrumentOffset) so that its range fills ±32000 ADC counts; samples are therefore
    /// quantised to (range / 64000). Throws `.writeFailed` for an empty recording, channels of
    /// different lengths or non-finite samples. Used for Clampfit export and for benchmarks.
    public static func writeGapFreeABF1(_ recording: Recording, to path: String) throws(PatchDataError) {
        let channels = recording.channels
        guard !channels.isEmpty, channels.count <= 16, let n = channels[0].sweeps.first?.count, n > 0,
              channels.allSatisfy({ $0.sweeps.first?.count == n }) else {
            throw PatchDataError(.writeFailed, file: path, reason: "ABF1 export needs 1–16 channels with equal, non-empty first sweeps")
        }
        let total = n * channels.count
        guard total <= Int(Int32.max) else { throw PatchDataError(.writeFailed, file: path, reason: "too many samples for ABF1") }
        var bytes = [UInt8](repeating: 0, count: abf1HeaderBytes + 2 * total)
        func put<T: FixedWidthInteger>(_ v: T, _ offset: Int) {
            withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { bytes[offset + i] = b } }
        }
        func put(_ v: Float, _ offset: Int) { put(v.bitPattern, offset) }
        func put(_ s: String, _ offset: Int, width: Int) {
            let chars = Array(s.utf8.prefix(width)) + [UInt8](repeating: 0x20, count: max(0, width - s.utf8.count))
            for (i, c) in chars.enumerated() { bytes[offset + i] = c }
        }
        put(Array("ABF ".utf8).withUnsafeBytes { $0.load(as: UInt32.self) }, 0)
        put(Float(1.5), 4)
        put(Int16(3), 8)                                   // gap-free
        put(Int32(total), 10)                              // lActualAcqLength
        put(Int32(1), 16)                                  // lActualEpisodes
        put(Int32(abf1HeaderBytes / 512), 40)              // lDataSectionPtr
        put(Int16(0), 100)                                 // int16 samples
        put(Int16(channels.count), 120)
        put(Float(recording.sampleInterval * 1e6 / Double(channels.count)), 122)
        put(Int32(total), 138)
        put(Float(10), 244)                                // fADCRange, V
        put(Int32(32768), 252)                             // lADCResolution
        var scales: [(scale: Double, offset: Double)] = []
        for (i, channel) in channels.enumerated() {
            let x = channel.sweeps[0]
            guard let lo = x.min(), let hi = x.max(), lo.isFinite, hi.isFinite else {
                throw PatchDataError(.writeFailed, file: path, reason: "channel \(channel.name) has non-finite samples")
            }
            let mid = (Double(lo) + Double(hi)) / 2
            let half = max((Double(hi) - Double(lo)) / 2, 1e-12)
            // value = raw · 10/32768 / instrumentScale + offset; choose instrumentScale so that ±half ↔ ±32000.
            let instrumentScale = Float(10.0 / 32768.0 * 32000.0 / half)
            scales.append((10.0 / 32768.0 / Double(instrumentScale), Double(Float(mid))))
            put(Int16(i), 410 + 2 * i)
            put(channel.name, 442 + 10 * i, width: 10)
            put(channel.units, 602 + 8 * i, width: 8)
            put(Float(1), 730 + 4 * i)                     // fADCProgrammableGain
            put(instrumentScale, 922 + 4 * i)
            put(Float(mid), 986 + 4 * i)                   // fInstrumentOffset
            put(Float(1), 1050 + 4 * i)                    // fSignalGain
            put(Float(0), 1114 + 4 * i)                    // fSignalOffset
        }
        bytes.withUnsafeMutableBytes { raw in
            let data = raw.baseAddress! + abf1HeaderBytes
            for (c, channel) in channels.enumerated() {
                let (scale, offset) = scales[c]
                channel.sweeps[0].withUnsafeBufferPointer { x in
                    for i in 0..<n {
                        let count = ((Double(x[i]) - offset) / scale).rounded()
                        let clamped = Int16(max(-32768, min(32767, count)))
                        (data + 2 * (i * channels.count + c)).storeBytes(of: clamped.littleEndian, as: Int16.self)
                    }
                }
            }
        }
        try AtomicFile.write(Data(bytes), to: path)
    }
}
