import Foundation

/// ABF1 header fields PatchFit reads (little-endian; offsets from the start of the file; facts
/// from REFERENCE.md §4 and the pyABF format notes). Per-channel arrays have 16 entries indexed
/// by the *physical* ADC number, so channel i uses entry `nADCSamplingSeq[i]`.
///
/// | offset | type       | field                  | meaning |
/// |-------:|------------|------------------------|---------|
/// | 0      | char[4]    | signature              | "ABF " |
/// | 4      | float32    | fFileVersionNumber     | e.g. 1.83 |
/// | 8      | int16      | nOperationMode         | 1–5 (see `AbfFile`) |
/// | 10     | int32      | lActualAcqLength       | samples stored, all channels |
/// | 16     | int32      | lActualEpisodes        | sweeps |
/// | 40     | int32      | lDataSectionPtr        | data block index (× 512 bytes) |
/// | 44     | int32      | lTagSectionPtr         | tag block index (64-byte entries) |
/// | 48     | int32      | lNumTagEntries         | |
/// | 92     | int32      | lSynchArrayPtr         | synch array block index |
/// | 96     | int32      | lSynchArraySize        | synch array entries (int32 start, int32 length) |
/// | 100    | int16      | nDataFormat            | 0 int16, 1 float32 |
/// | 120    | int16      | nADCNumChannels        | channels sampled |
/// | 122    | float32    | fADCSampleInterval     | µs between interleaved samples |
/// | 130    | float32    | fSynchTimeUnit         | µs per synch-array time unit (0: samples) |
/// | 138    | int32      | lNumSamplesPerEpisode  | samples per sweep, all channels |
/// | 244    | float32    | fADCRange              | V |
/// | 252    | int32      | lADCResolution         | counts |
/// | 410    | int16[16]  | nADCSamplingSeq        | physical ADC of each sampled channel |
/// | 442    | char[10][16] | sADCChannelName      | |
/// | 602    | char[8][16]  | sADCUnits            | |
/// | 730    | float32[16]| fADCProgrammableGain   | |
/// | 922    | float32[16]| fInstrumentScaleFactor | V per unit |
/// | 986    | float32[16]| fInstrumentOffset      | |
/// | 1050   | float32[16]| fSignalGain            | |
/// | 1114   | float32[16]| fSignalOffset          | |
/// | 4512   | int16[16]  | nTelegraphEnable       | only in the 6 KiB header (v1.6+) |
/// | 4576   | float32[16]| fTelegraphAdditGain    | only in the 6 KiB header |
extension AbfFile {
    static func readABF1(_ r: ByteReader) throws(PatchDataError) -> Recording {
        let version = try r.float32(at: 4, field: "fFileVersionNumber")
        let mode = Int(try r.int16(at: 8, field: "nOperationMode"))
        let acqLength = Int(try r.int32(at: 10, field: "lActualAcqLength"))
        let episodes = Int(try r.int32(at: 16, field: "lActualEpisodes"))
        let dataBlock = Int(try r.int32(at: 40, field: "lDataSectionPtr"))
        let dataFormat = try r.int16(at: 100, field: "nDataFormat")
        let nCh = Int(try r.int16(at: 120, field: "nADCNumChannels"))
        let interval = try r.float32(at: 122, field: "fADCSampleInterval")
        let samplesPerEpisode = Int(try r.int32(at: 138, field: "lNumSamplesPerEpisode"))
        let adcRange = try r.float32(at: 244, field: "fADCRange")
        let adcResolution = try r.int32(at: 252, field: "lADCResolution")

        guard (1...16).contains(nCh) else {
            throw PatchDataError(.invalidField, file: r.file, field: "nADCNumChannels", offset: 120, reason: "\(nCh) channels (expected 1–16)")
        }
        guard dataFormat == 0 || dataFormat == 1 else {
            throw PatchDataError(.unsupported, file: r.file, field: "nDataFormat", offset: 100, reason: "data format \(dataFormat) (expected 0 int16 or 1 float32)")
        }
        guard interval.isFinite, interval > 0 else {
            throw PatchDataError(.invalidField, file: r.file, field: "fADCSampleInterval", offset: 122, reason: "sample interval \(interval) µs")
        }
        guard acqLength >= 0, dataBlock > 0 else {
            throw PatchDataError(.invalidField, file: r.file, field: acqLength < 0 ? "lActualAcqLength" : "lDataSectionPtr",
                                 offset: acqLength < 0 ? 10 : 40, reason: "negative or zero size/offset")
        }
        let dataOffset = try r.byteCount(dataBlock, of: 512, field: "lDataSectionPtr", offset: 40)
        // Sections after the samples must be whole too: a file cut there is still damaged.
        for (name, pointer, countField, size) in [("tag section", 44, 48, 64), ("synch array", 92, 96, 8)] {
            let block = Int(try r.int32(at: pointer, field: name + " pointer"))
            let entries = Int(try r.int32(at: countField, field: name + " size"))
            guard block > 0, entries > 0 else { continue }
            try r.require(try r.byteCount(block, of: 512, field: name, offset: pointer),
                          try r.byteCount(entries, of: size, field: name, offset: countField), field: name)
        }
        // The telegraph block exists only in the extended (6 KiB) header, which ends before the data.
        let hasTelegraphs = dataOffset >= 4576 + 64

        var channels: [ChannelInfo] = []
        for i in 0..<nCh {
            let adc = Int(try r.int16(at: 410 + 2 * i, field: "nADCSamplingSeq[\(i)]"))
            guard (0..<16).contains(adc) else {
                throw PatchDataError(.invalidField, file: r.file, field: "nADCSamplingSeq[\(i)]", offset: 410 + 2 * i, reason: "physical channel \(adc) (expected 0–15)")
            }
            var telegraph: Float?
            if hasTelegraphs, try r.int16(at: 4512 + 2 * adc, field: "nTelegraphEnable[\(adc)]") != 0 {
                telegraph = try r.float32(at: 4576 + 4 * adc, field: "fTelegraphAdditGain[\(adc)]")
            }
            let s = try scaling(file: r.file, channel: i, adcRange: adcRange, adcResolution: adcResolution,
                                instrumentScale: try r.float32(at: 922 + 4 * adc, field: "fInstrumentScaleFactor[\(adc)]"),
                                signalGain: try r.float32(at: 1050 + 4 * adc, field: "fSignalGain[\(adc)]"),
                                programmableGain: try r.float32(at: 730 + 4 * adc, field: "fADCProgrammableGain[\(adc)]"),
                                telegraphGain: telegraph,
                                instrumentOffset: try r.float32(at: 986 + 4 * adc, field: "fInstrumentOffset[\(adc)]"),
                                signalOffset: try r.float32(at: 1114 + 4 * adc, field: "fSignalOffset[\(adc)]"))
            let name = try r.text(at: 442 + 10 * adc, length: 10, field: "sADCChannelName[\(adc)]")
            // Old Clampex versions leave names blank; use Clampex's own default naming instead.
            channels.append(ChannelInfo(name: name.isEmpty ? "IN \(adc)" : name,
                                        units: try r.text(at: 602 + 8 * adc, length: 8, field: "sADCUnits[\(adc)]"),
                                        scale: s.scale, offset: s.offset))
        }

        var eventLengths: [Int] = []
        var starts: [Double]?
        let dt = Double(interval) * Double(nCh) / 1e6
        if mode == 1 {
            let synchBlock = Int(try r.int32(at: 92, field: "lSynchArrayPtr"))
            let synchCount = Int(try r.int32(at: 96, field: "lSynchArraySize"))
            let unit = Double(try r.float32(at: 130, field: "fSynchTimeUnit"))
            let synchOffset = try r.byteCount(synchBlock, of: 512, field: "lSynchArrayPtr", offset: 92)
            let entries = try r.array(synchCount, at: synchOffset, field: "synch array", { o throws(PatchDataError) in
                (Int(try r.int32(at: o, field: "synch start")), Int(try r.int32(at: o + 4, field: "synch length")))
            }, stride: 8)
            eventLengths = entries.map(\.1)
            starts = entries.map { unit > 0 ? Double($0.0) * unit * 1e-6 : Double($0.0 / nCh) * dt }
        }
        let layout = Layout(operationMode: mode, dataOffset: dataOffset, sampleCount: acqLength, isFloat: dataFormat == 1,
                            channels: channels, sampleInterval: dt, samplesPerEpisode: samplesPerEpisode,
                            episodes: mode == 3 ? 1 : episodes, eventLengths: eventLengths, sweepStartTimes: starts,
                            episodeStartToStart: nil,
                            version: String(format: "%.2f", version), format: .abf1,
                            metadata: ["fFileVersionNumber": String(describing: version),
                                       "fADCRange": String(describing: adcRange), "lADCResolution": String(adcResolution),
                                       "telegraphs": hasTelegraphs ? "read" : "absent (short header)"])
        return try assemble(r, layout)
    }
}
