import Foundation

/// Bounds-checked little-endian reads from the bytes of one file.
///
/// Every read names the header field it is for, so that a short or corrupt file produces a
/// `PatchDataError` saying which field, at which offset, ran past the end — never a trap.
struct ByteReader: Sendable {
    /// The whole file (memory-mapped when the system allows it).
    let data: Data
    /// The path reported in errors.
    let file: String

    var count: Int { data.count }

    init(data: Data, file: String) {
        self.data = data
        self.file = file
    }

    /// Reads a whole file, mapping it into memory where possible.
    init(contentsOf path: String) throws(PatchDataError) {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
            self.init(data: data, file: path)
        } catch {
            throw PatchDataError(.unreadable, file: path, reason: Self.describe(error, path: path))
        }
    }

    private static func describe(_ error: Error, path: String) -> String {
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain && ns.code == NSFileReadNoSuchFileError { return "no such file" }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return "a folder, not a file" }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let message = strerror(Int32(underlying.code)) {
            return String(cString: message)
        }
        return ns.localizedDescription
    }

    // MARK: - Bounds

    /// Throws `.truncated` unless `count` bytes starting at `offset` lie inside the file.
    func require(_ offset: Int, _ count: Int, field: String) throws(PatchDataError) {
        guard offset >= 0, count >= 0 else {
            throw PatchDataError(.invalidField, file: file, field: field, offset: offset,
                                 reason: "negative offset or size (\(offset), \(count))")
        }
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow, end <= data.count else {
            throw PatchDataError(.truncated, file: file, field: field, offset: offset,
                                 reason: "needs \(count) bytes but the file has \(max(0, data.count - offset)) left of \(data.count)")
        }
    }

    /// Byte size of `count` elements of `size` bytes, or an `.invalidField` error on overflow.
    func byteCount(_ count: Int, of size: Int, field: String, offset: Int) throws(PatchDataError) -> Int {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
        guard count >= 0, !overflow else {
            throw PatchDataError(.invalidField, file: file, field: field, offset: offset,
                                 reason: "absurd element count \(count)")
        }
        return bytes
    }

    // MARK: - Scalars

    func load<T: FixedWidthInteger>(_: T.Type, at offset: Int, field: String) throws(PatchDataError) -> T {
        try require(offset, MemoryLayout<T>.size, field: field)
        return data.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    func int8(at offset: Int, field: String) throws(PatchDataError) -> Int8 { try load(Int8.self, at: offset, field: field) }
    func int16(at offset: Int, field: String) throws(PatchDataError) -> Int16 { try load(Int16.self, at: offset, field: field) }
    func int32(at offset: Int, field: String) throws(PatchDataError) -> Int32 { try load(Int32.self, at: offset, field: field) }
    func uint32(at offset: Int, field: String) throws(PatchDataError) -> UInt32 { try load(UInt32.self, at: offset, field: field) }
    func int64(at offset: Int, field: String) throws(PatchDataError) -> Int64 { try load(Int64.self, at: offset, field: field) }

    func float32(at offset: Int, field: String) throws(PatchDataError) -> Float {
        Float(bitPattern: try load(UInt32.self, at: offset, field: field))
    }

    func float64(at offset: Int, field: String) throws(PatchDataError) -> Double {
        Double(bitPattern: try load(UInt64.self, at: offset, field: field))
    }

    /// `count` consecutive values of a scalar type.
    func array<T>(_ count: Int, at offset: Int, field: String,
                  _ read: (Int) throws(PatchDataError) -> T, stride: Int) throws(PatchDataError) -> [T] {
        try require(offset, try byteCount(count, of: stride, field: field, offset: offset), field: field)
        var out: [T] = []
        out.reserveCapacity(count)
        for i in 0..<count { out.append(try read(offset + i * stride)) }
        return out
    }

    /// Fixed-width text cut at the first NUL; µ (0xB5) becomes "u", other non-ASCII bytes are dropped.
    func text(at offset: Int, length: Int, field: String) throws(PatchDataError) -> String {
        try require(offset, length, field: field)
        let slice = data[data.startIndex + offset ..< data.startIndex + offset + length]
        let bytes = slice.prefix { $0 != 0 }
        return String(decoding: bytes.map { $0 == 0xB5 ? UInt8(ascii: "u") : $0 }, as: UTF8.self)
            .filter { $0.isASCII }
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first `n` bytes (fewer if the file is shorter).
    func prefix(_ n: Int) -> [UInt8] { Array(data.prefix(n)) }
}
