import Foundation

/// ABF2 layout PatchFit reads (little-endian; REFERENCE.md §4 and the pyABF format notes).
///
/// Header:
///
/// | offset | type     | field              | meaning |
/// |-------:|----------|--------------------|---------|
/// | 0      | char[4]  | signature          | "ABF2" |
/// | 4      | uint8[4] | fFileVersionNumber | build, bugfix, minor, major |
/// | 12     | uint32   | lActualEpisodes    | sweeps |
/// | 30     | uint16   | nDataFormat        | 0 int16, 1 float32 |
/// | 76     | section  | ProtocolSection    | |
/// | 92     | section  | ADCSection         | one entry per sampled channel, in sampling order |
/// | 220    | section  | StringsSection     | |
/// | 236    | section  | DataSection        | entry size = bytes per sample, count = samples |
/// | 316    | section  | SynchArraySection  | (int32 start, int32 length) per event |
///
/// A section is (uint32 blockIndex, uint32 entryBytes, int64 entryCount); it starts at
/// blockIndex × 512.
///
/// ProtocolSection entry: nOperationMode int16 @0, fADCSequenceInterval float32 @2 (µs per
/// channel sample), fSynchTimeUnit float32 @14, lNumSamplesPerEpisode int32 @22,
/// fEpisodeStartToStart float32 @62 (s), fADCRange float32 @110, lADCResolution int32 @118.
///
/// ADCSection entry: nTelegraphEnable int16 @2, fTelegraphAdditGain float32 @6,
/// fADCProgrammableGain @28, fInstrumentScaleFactor @40, fInstrumentOffset @44, fSignalGain @48,
/// fSignalOffset @52 (float32), lADCChannelNameIndex int32 @74, lADCUnitsIndex int32 @78.
///
/// StringsSection: the first entry holds a small binary header ("SSCH" …) followed by
/// NUL-separated strings; string index k (1-based) is the k-th string after the header.
extension AbfFile {
    struct Section { var offset: Int; var entryBytes: Int; var count: Int }

    static func section(_ r: ByteReader, at position: Int, name: String) throws(PatchDataError) -> Section {
        let block = Int(try r.uint32(at: position, field: "\(name).blockIndex"))
        let bytes = Int(try r.uint32(at: position + 4, field: "\(name).bytes"))
        let count = try r.int64(at: position + 8, field: "\(name).count")
        guard count >= 0, count < Int64(Int32.max) * 16 else {
            throw PatchDataError(.invalidField, file: r.file, field: "\(name).count", offset: position + 8, reason: "absurd entry count \(count)")
        }
        return Section(offset: try r.byteCount(block, of: 512, field: "\(name).blockIndex", offset: position),
                       entryBytes: bytes, count: Int(count))
    }

    /// The section map: every section the header lists must lie inside the file, so that a file
    /// cut short anywhere (even after the samples) is reported rather than read in part.
    static let sectionNames = ["ProtocolSection", "ADCSection", "DACSection", "EpochSection", "ADCPerDACSection",
                               "EpochPerDACSection", "UserListSection", "StatsRegionSection", "MathSection",
                               "StringsSection", "DataSection", "TagSection", "ScopeSection", "DeltaSection",
                               "VoiceTagSection", "SynchArraySection", "AnnotationSection", "StatsSection"]

    static func validateSectionMap(_ r: ByteReader) throws(PatchDataError) {
        for (i, name) in sectionNames.enumerated() {
            let s = try section(r, at: 76 + 16 * i, name: name)
            guard s.offset > 0, s.count > 0 else { continue }
            try r.require(s.offset, try r.byteCount(s.count, of: s.entryBytes, field: "\(name).count", offset: 76 + 16 * i + 8), field: name)
        }
    }

    static func readABF2(_ r: ByteReader) throws(PatchDataError) -> Recording {
        try validateSectionMap(r)
        let versionBytes = try (0..<4).map { i throws(PatchDataError) in try r.load(UInt8.self, at: 4 + i, field: "fFileVersionNumber") }
        let version = versionBytes.reversed().map(String.init).joined(separator: ".")
        let episodes = Int(try r.uint32(at: 12, field: "lActualEpisodes"))
        let dataFormat = try r.load(UInt16.self, at: 30, field: "nDataFormat")
        guard dataFormat <= 1 else {
            throw PatchDataError(.unsupported, file: r.file, field: "nDataFormat", offset: 30, reason: "data format \(dataFormat) (expected 0 int16 or 1 float32)")
        }

        let protocolSection = try section(r, at: 76, name: "ProtocolSection")
        let p = protocolSection.offset
        let mode = Int(try r.int16(at: p, field: "nOperationMode"))
        let interval = try r.float32(at: p + 2, field: "fADCSequenceInterval")
        let synchUnit = Double(try r.float32(at: p + 14, field: "fSynchTimeUnit"))
        let samplesPerEpisode = Int(try r.int32(at: p + 22, field: "lNumSamplesPerEpisode"))
        let episodeSpacing = Double(try r.float32(at: p + 62, field: "fEpisodeStartToStart"))
        let adcRange = try r.float32(at: p + 110, field: "fADCRange")
        let adcResolution = try r.int32(at: p + 118, field: "lADCResolution")
        guard interval.isFinite, interval > 0 else {
            throw PatchDataError(.invalidField, file: r.file, field: "fADCSequenceInterval", offset: p + 2, reason: "sample interval \(interval) µs")
        }

        let adc = try section(r, at: 92, name: "ADCSection")
        guard (1...16).contains(adc.count), adc.entryBytes >= 82 else {
            throw PatchDataError(.invalidField, file: r.file, field: "ADCSection", offset: 92,
                                 reason: "\(adc.count) channels of \(adc.entryBytes) bytes (expected 1–16 of ≥ 82)")
        }
        let strings = try indexedStrings(r)
        func string(_ index: Int32, field: String, at offset: Int) throws(PatchDataError) -> String {
            guard index >= 0, Int(index) < strings.count else {
                throw PatchDataError(.invalidField, file: r.file, field: field, offset: offset, reason: "string index \(index) beyond the \(strings.count) strings")
            }
            return strings[Int(index)]
        }
        var channels: [ChannelInfo] = []
        for i in 0..<adc.count {
            let e = adc.offset + i * adc.entryBytes
            var telegraph: Float?
            if try r.int16(at: e + 2, field: "nTelegraphEnable[\(i)]") != 0 {
                telegraph = try r.float32(at: e + 6, field: "fTelegraphAdditGain[\(i)]")
            }
            let s = try scaling(file: r.file, channel: i, adcRange: adcRange, adcResolution: adcResolution,
                                instrumentScale: try r.float32(at: e + 40, field: "fInstrumentScaleFactor[\(i)]"),
                                signalGain: try r.float32(at: e + 48, field: "fSignalGain[\(i)]"),
                                programmableGain: try r.float32(at: e + 28, field: "fADCProgrammableGain[\(i)]"),
                                telegraphGain: telegraph,
                                instrumentOffset: try r.float32(at: e + 44, field: "fInstrumentOffset[\(i)]"),
                                signalOffset: try r.float32(at: e + 52, field: "fSignalOffset[\(i)]"))
            let nameIndex = try r.int32(at: e + 74, field: "lADCChannelNameIndex[\(i)]")
            let unitsIndex = try r.int32(at: e + 78, field: "lADCUnitsIndex[\(i)]")
            channels.append(ChannelInfo(name: try string(nameIndex, field: "lADCChannelNameIndex[\(i)]", at: e + 74),
                                        units: try string(unitsIndex, field: "lADCUnitsIndex[\(i)]", at: e + 78),
                                        scale: s.scale, offset: s.offset))
        }

        let data = try section(r, at: 236, name: "DataSection")
        let bytesPerSample = dataFormat == 1 ? 4 : 2
        guard data.entryBytes == bytesPerSample else {
            throw PatchDataError(.invalidField, file: r.file, field: "DataSection.bytes", offset: 240,
                                 reason: "\(data.entryBytes) bytes per sample but nDataFormat \(dataFormat) needs \(bytesPerSample)")
        }
        let dt = Double(interval) / 1e6
        var eventLengths: [Int] = []
        var starts: [Double]?
        if mode == 1 {
            let synch = try section(r, at: 316, name: "SynchArraySection")
            let entries = try r.array(synch.count, at: synch.offset, field: "synch array", { o throws(PatchDataError) in
                (Int(try r.int32(at: o, field: "synch start")), Int(try r.int32(at: o + 4, field: "synch length")))
            }, stride: 8)
            eventLengths = entries.map(\.1)
            starts = entries.map { synchUnit > 0 ? Double($0.0) * synchUnit * 1e-6 : Double($0.0 / channels.count) * dt }
        }
        let layout = Layout(operationMode: mode, dataOffset: data.offset, sampleCount: data.count, isFloat: dataFormat == 1,
                            channels: channels, sampleInterval: dt, samplesPerEpisode: samplesPerEpisode,
                            episodes: mode == 3 ? 1 : episodes, eventLengths: eventLengths, sweepStartTimes: starts,
                            episodeStartToStart: episodeSpacing.isFinite && episodeSpacing > 0 ? episodeSpacing : nil,
                            version: version, format: .abf2,
                            metadata: ["fADCRange": String(describing: adcRange), "lADCResolution": String(adcResolution),
                                       "creator": strings.count > 1 ? strings[1] : ""])
        return try assemble(r, layout)
    }

    /// The indexed strings of the StringsSection; index 0 is empty so that header indices
    /// (which count from 1) can be used directly.
    static func indexedStrings(_ r: ByteReader) throws(PatchDataError) -> [String] {
        let s = try section(r, at: 220, name: "StringsSection")
        guard s.count > 0, s.entryBytes > 0 else { return [""] }
        try r.require(s.offset, s.entryBytes, field: "StringsSection")
        var bytes = Array(r.data[r.data.startIndex + s.offset ..< r.data.startIndex + s.offset + s.entryBytes])
        // Trailing padding is not part of the last string.
        while let last = bytes.last, last == 0 || last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 { bytes.removeLast() }
        // The strings follow the last run of two NULs (the end of the binary header).
        var start = 0
        if bytes.count >= 2 {
            for i in stride(from: bytes.count - 2, through: 0, by: -1) where bytes[i] == 0 && bytes[i + 1] == 0 {
                start = i + 2
                break
            }
        }
        let parts = bytes[start...].split(separator: 0, omittingEmptySubsequences: false).map { part in
            String(decoding: part.map { $0 == 0xB5 ? UInt8(ascii: "u") : $0 }.filter { $0 < 0x80 }, as: UTF8.self)
                .trimmingCharacters(in: .whitespaces)
        }
        return [""] + parts
    }
}
