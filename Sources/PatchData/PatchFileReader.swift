import Foundation

/// What a file holds once read: a sampled record or an idealised dwell list.
public enum PatchFileContents: Sendable, Equatable {
    case recording(Recording)
    case dwells(DwellSequence)

    /// The provenance of either kind of contents.
    public var provenance: Provenance {
        switch self {
        case .recording(let r): return r.provenance
        case .dwells(let d): return d.provenance
        }
    }
}

/// Opens any supported file, choosing the reader by the file's first bytes, never by its name.
public enum PatchFileReader {
    /// Reads `path` with the reader its contents call for.
    ///
    /// Throws `PatchDataError` naming the file (and field/offset where one applies) when the
    /// file is missing, of no supported format, truncated, or inconsistent.
    public static func read(_ path: String, options: ReadOptions = ReadOptions()) throws(PatchDataError) -> PatchFileContents {
        try read(ByteReader(contentsOf: path), options: options)
    }

    /// Reads a file's bytes already in memory; `name` is used in error messages.
    /// (NWB bytes are staged through a temporary file, since HDF5 opens files by path.)
    public static func read(data: Data, name: String, options: ReadOptions = ReadOptions()) throws(PatchDataError) -> PatchFileContents {
        try read(ByteReader(data: data, file: name), options: options)
    }

    static func read(_ r: ByteReader, options: ReadOptions) throws(PatchDataError) -> PatchFileContents {
        let path = r.file
        if let raw = options.rawSampleType {
            return .recording(try RawSampleFile.read(r, type: raw, options: options))
        }
        switch try detectFormat(r) {
        case .abf1: return .recording(try AbfFile.readABF1(r))
        case .abf2: return .recording(try AbfFile.readABF2(r))
        case .nwb: return .recording(try readNwb(r))
        case .scan: return .dwells(try ScanFile.read(r))
        case .dwt: return .dwells(try DwtFile.read(try TextLines(r)))
        case .clampfitEvents: return .dwells(try ClampfitEventFile.read(try TextLines(r)))
        case .dwellCSV: return .dwells(try DwellCSVFile.read(try TextLines(r)))
        case .textTrace: return .recording(try TextTraceFile.read(try TextLines(r), options: options))
        case .rawBinary, .synthetic:
            throw PatchDataError(.unrecognisedFormat, file: path, reason: "not a readable format")
        }
    }

    /// NWB through HDF5, which needs a path: the file itself, or a temporary copy of in-memory bytes.
    static func readNwb(_ r: ByteReader) throws(PatchDataError) -> Recording {
        if FileManager.default.fileExists(atPath: r.file),
           let size = try? FileManager.default.attributesOfItem(atPath: r.file)[.size] as? Int, size == r.count {
            return try NwbFile.read(path: r.file, bytes: r)
        }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("patchfit-\(UUID().uuidString).nwb")
        defer { try? FileManager.default.removeItem(at: temporary) }
        do { try r.data.write(to: temporary) } catch {
            throw PatchDataError(.unreadable, file: r.file, reason: "could not stage NWB bytes: \(error.localizedDescription)")
        }
        do {
            return try NwbFile.read(path: temporary.path, bytes: r)
        } catch {
            var e = error
            e.file = r.file
            throw e
        }
    }

    /// The format of a file on disk, from its first bytes.
    public static func detectFormat(path: String) throws(PatchDataError) -> FileFormat {
        try detectFormat(try ByteReader(contentsOf: path))
    }

    static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    static func detectFormat(_ r: ByteReader) throws(PatchDataError) -> FileFormat {
        let head = r.prefix(4096)
        guard !head.isEmpty else {
            throw PatchDataError(.truncated, file: r.file, offset: 0, reason: "the file is empty")
        }
        if head.starts(with: Array("ABF ".utf8)) { return .abf1 }
        if head.starts(with: Array("ABF2".utf8)) { return .abf2 }
        // HDF5 allows a user block of 512·2^k bytes before the superblock.
        for offset in [0, 512, 1024, 2048] where r.count >= offset + 8 {
            if Array(r.data[r.data.startIndex + offset ..< r.data.startIndex + offset + 8]) == hdf5Signature { return .nwb }
        }
        if ScanFile.matches(head) { return .scan }
        if let kind = TextLines.classify(head) { return kind }
        let shown = head.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")
        throw PatchDataError(.unrecognisedFormat, file: r.file, field: "signature", offset: 0,
                             reason: "first bytes \(shown) match no supported format (ABF1/2, NWB, SCAN, text); raw sample files need an explicit sample type")
    }
}
