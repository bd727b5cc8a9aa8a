import Foundation

/// Reader for Axon Binary Format files, versions 1 (`ABF `) and 2 (`ABF2`).
///
/// Both versions store samples interleaved across channels (ch0, ch1, …, ch0, ch1, …) as int16
/// ADC counts or float32 values. int16 counts are scaled per channel (REFERENCE.md §4):
///
///     value = raw · fADCRange / lADCResolution
///             / (fInstrumentScaleFactor · fSignalGain · fADCProgrammableGain · [fTelegraphAdditGain])
///             + fInstrumentOffset − fSignalOffset
///
/// where the telegraph gain applies only when telegraphs were enabled for that channel.
/// Operation modes: 1 variable-length events (sweep boundaries from the synch array),
/// 2 fixed-length events, 3 gap-free, 4 high-speed oscilloscope, 5 episodic stimulation.
/// The version-specific header layouts are tabulated in `AbfFile+ABF1.swift` and `AbfFile+ABF2.swift`.
public enum AbfFile {
    /// Per-channel facts needed to turn stored samples into physical values.
    struct ChannelInfo {
        var name: String
        var units: String
        var scale: Double      // physical units per ADC count (int16 data)
        var offset: Double     // added after scaling
    }

    /// Layout facts common to both versions, gathered by the version-specific header code.
    struct Layout {
        var operationMode: Int
        var dataOffset: Int
        var sampleCount: Int          // all channels, all sweeps
        var isFloat: Bool
        var channels: [ChannelInfo]
        var sampleInterval: Double    // seconds, per channel
        var samplesPerEpisode: Int    // all channels interleaved, modes 2/4/5
        var episodes: Int
        var eventLengths: [Int]       // mode 1: samples (all channels) per event, from the synch array
        var sweepStartTimes: [Double]? // mode 1: seconds from the start of the recording, from the synch array
        var episodeStartToStart: Double? // modes 2/4/5: seconds between sweep starts, if the header says
        var version: String
        var format: FileFormat
        var metadata: [String: String]
    }

    /// Scale factor and offset per REFERENCE.md §4, validated so that a corrupt gain cannot
    /// produce Inf/NaN samples silently.
    static func scaling(file: String, channel: Int, adcRange: Float, adcResolution: Int32, instrumentScale: Float,
                        signalGain: Float, programmableGain: Float, telegraphGain: Float?,
                        instrumentOffset: Float, signalOffset: Float) throws(PatchDataError) -> (scale: Double, offset: Double) {
        var divisor = Double(instrumentScale) * Double(signalGain) * Double(programmableGain)
        if let t = telegraphGain { divisor *= Double(t) }
        let scale = Double(adcRange) / Double(adcResolution) / divisor
        let offset = Double(instrumentOffset) - Double(signalOffset)
        guard scale.isFinite, scale != 0, offset.isFinite else {
            throw PatchDataError(.invalidField, file: file, field: "channel \(channel) gains",
                                 reason: "range \(adcRange), resolution \(adcResolution), gains give scale \(scale), offset \(offset)")
        }
        return (scale, offset)
    }

    /// Cuts the interleaved data block into channels × sweeps of physical values.
    static func assemble(_ r: ByteReader, _ layout: Layout) throws(PatchDataError) -> Recording {
        let nCh = layout.channels.count
        let bytesPerSample = layout.isFloat ? 4 : 2
        let total = try r.byteCount(layout.sampleCount, of: bytesPerSample, field: "sample count", offset: layout.dataOffset)
        try r.require(layout.dataOffset, total, field: "data section (\(layout.sampleCount) samples)")
        guard layout.sampleCount % nCh == 0 else {
            throw PatchDataError(.invalidField, file: r.file, field: "sample count", reason: "\(layout.sampleCount) samples do not split evenly over \(nCh) channels")
        }

        // Sweep boundaries in interleaved samples, and the episodes' start times where the header
        // gives their spacing (formed only once their count has been checked against the data: a
        // corrupt count must not size an array).
        var sweeps: [(start: Int, length: Int)] = []
        var episodeStarts: [Double]?
        switch layout.operationMode {
        case 3:
            sweeps = [(0, layout.sampleCount)]
        case 2, 4, 5:
            let stored = layout.episodes.multipliedReportingOverflow(by: layout.samplesPerEpisode)
            guard layout.episodes > 0, layout.samplesPerEpisode > 0, layout.samplesPerEpisode % nCh == 0,
                  !stored.overflow, stored.partialValue == layout.sampleCount else {
                throw PatchDataError(.invalidField, file: r.file, field: "lActualEpisodes × lNumSamplesPerEpisode",
                                     reason: "\(layout.episodes) episodes × \(layout.samplesPerEpisode) samples ≠ \(layout.sampleCount) samples stored")
            }
            sweeps = (0..<layout.episodes).map { ($0 * layout.samplesPerEpisode, layout.samplesPerEpisode) }
            episodeStarts = layout.episodeStartToStart.map { spacing in sweeps.indices.map { Double($0) * spacing } }
        case 1:
            var position = 0
            for (i, length) in layout.eventLengths.enumerated() {
                guard length > 0, length % nCh == 0, length <= layout.sampleCount - position else {
                    throw PatchDataError(.invalidField, file: r.file, field: "synch array entry \(i)",
                                         reason: "event length \(length) does not fit the \(layout.sampleCount) stored samples")
                }
                sweeps.append((position, length))
                position += length
            }
            guard !sweeps.isEmpty else {
                throw PatchDataError(.invalidField, file: r.file, field: "synch array", reason: "variable-length event file without events")
            }
        default:
            throw PatchDataError(.unsupported, file: r.file, field: "nOperationMode", offset: 8,
                                 reason: "operation mode \(layout.operationMode) is not one of 1–5")
        }

        var channelSweeps = [[[Float]]](repeating: [], count: nCh)
        let tables: [[Float]] = layout.isFloat ? [] : layout.channels.map { info in
            (0..<65_536).map { Float(Double($0 - 32_768) * info.scale + info.offset) }
        }
        var firstBad: Int?
        r.data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + layout.dataOffset
            for sweep in sweeps {
                let n = sweep.length / nCh
                for c in 0..<nCh {
                    let samples = [Float](unsafeUninitializedCapacity: n) { out, initialised in
                        if layout.isFloat {
                            for i in 0..<n {
                                let x = Float(bitPattern: UInt32(littleEndian: (base + 4 * (sweep.start + i * nCh + c)).loadUnaligned(as: UInt32.self)))
                                if !x.isFinite && firstBad == nil { firstBad = layout.dataOffset + 4 * (sweep.start + i * nCh + c) }
                                out[i] = x
                            }
                        } else {
                            // Every int16 count maps to one Float: a 65,536-entry table gives the
                            // same values as the Double formula at memory speed.
                            tables[c].withUnsafeBufferPointer { table in
                                let counts = UnsafeRawPointer(base + 2 * (sweep.start + c))
                                for i in 0..<n {
                                    let count = Int16(littleEndian: counts.loadUnaligned(fromByteOffset: 2 * i * nCh, as: Int16.self))
                                    out[i] = table[Int(count) &+ 32768]
                                }
                            }
                        }
                        initialised = n
                    }
                    channelSweeps[c].append(samples)
                }
            }
        }
        if let offset = firstBad {
            throw PatchDataError(.invalidValue, file: r.file, field: "data section", offset: offset, reason: "a float32 sample is NaN or infinite")
        }
        let channels = (0..<nCh).map { RecordingChannel(name: layout.channels[$0].name, units: layout.channels[$0].units, sweeps: channelSweeps[$0]) }
        var meta = layout.metadata
        meta["nOperationMode"] = String(layout.operationMode)
        meta["nDataFormat"] = layout.isFloat ? "1 (float32)" : "0 (int16)"
        // Sweep starts as the header gives them, else back to back.
        let starts = episodeStarts ?? layout.sweepStartTimes.flatMap { $0.count == sweeps.count ? $0 : nil }
            ?? sweeps.map { Double($0.start / nCh) * layout.sampleInterval }
        return Recording(channels: channels, sampleInterval: layout.sampleInterval, sweepStartTimes: starts,
                         provenance: Provenance(file: r.file, format: layout.format, formatVersion: layout.version, metadata: meta))
    }
}
