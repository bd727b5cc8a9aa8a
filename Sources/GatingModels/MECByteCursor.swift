/// Bounds-checked little-endian reads from a `.mec` file's bytes, each naming the DCPROGS field
/// it is for, so that a short or corrupt file gives a `DCProgsMechanismError` saying which
/// field at which byte offset ran past the end (or into the next record) — never a trap.
struct MECByteCursor {
    let bytes: [UInt8]
    let file: String
    /// Reads must end at or before this offset (the next record's start, or the file's end).
    let limit: Int
    /// Where the next sequential read starts (0-based).
    var position = 0

    init(bytes: [UInt8], file: String, limit: Int? = nil) {
        self.bytes = bytes
        self.file = file
        self.limit = min(limit ?? bytes.count, bytes.count)
    }

    // MARK: - Reads at a given offset

    func require(_ offset: Int, _ count: Int, field: String) throws(DCProgsMechanismError) {
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard offset >= 0, count >= 0, !overflow, end <= limit else {
            let what = limit < bytes.count ? "the next rate set's record starts at byte \(limit)" : "the file has \(bytes.count) bytes"
            throw DCProgsMechanismError(.truncated, file: file, field: field, offset: offset,
                                        reason: "needs \(count) bytes but \(what)")
        }
    }

    func int32(at offset: Int, field: String) throws(DCProgsMechanismError) -> Int32 {
        try require(offset, 4, field: field)
        return Int32(bitPattern: word32(offset))
    }

    func float32(at offset: Int, field: String) throws(DCProgsMechanismError) -> Float {
        try require(offset, 4, field: field)
        return Float(bitPattern: word32(offset))
    }

    func float64(at offset: Int, field: String) throws(DCProgsMechanismError) -> Double {
        try require(offset, 8, field: field)
        let lo = UInt64(word32(offset)), hi = UInt64(word32(offset + 4))
        return Double(bitPattern: lo | hi << 32)
    }

    /// Fixed-length Fortran text: Latin-1, cut at the first NUL, trailing blanks removed.
    func text(at offset: Int, length: Int, field: String) throws(DCProgsMechanismError) -> String {
        try require(offset, length, field: field)
        var slice = bytes[offset..<(offset + length)]
        if let nul = slice.firstIndex(of: 0) { slice = slice[slice.startIndex..<nul] }
        let s = String(slice.map { Character(Unicode.Scalar($0)) })
        return String(s.reversed().drop(while: { $0 == " " }).reversed()).trimmingLeadingBlanks
    }

    private func word32(_ o: Int) -> UInt32 {
        UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
    }

    // MARK: - Sequential reads

    mutating func nextInt32(_ field: String) throws(DCProgsMechanismError) -> Int {
        defer { position += 4 }
        return Int(try int32(at: position, field: field))
    }

    mutating func nextFloat32(_ field: String) throws(DCProgsMechanismError) -> Double {
        defer { position += 4 }
        return Double(try float32(at: position, field: field))
    }

    mutating func nextFloat64(_ field: String) throws(DCProgsMechanismError) -> Double {
        defer { position += 8 }
        return try float64(at: position, field: field)
    }

    mutating func nextText(_ length: Int, _ field: String) throws(DCProgsMechanismError) -> String {
        defer { position += length }
        return try text(at: position, length: length, field: field)
    }

    /// Skips `count` bytes that must be present (drawing data the scheme does not use).
    mutating func skip(_ count: Int, _ field: String) throws(DCProgsMechanismError) {
        try require(position, count, field: field)
        position += count
    }

    /// A count read here must lie in `range` (DCPROGS's own array sizes).
    mutating func nextCount(_ field: String, in range: ClosedRange<Int>) throws(DCProgsMechanismError) -> Int {
        let at = position
        let n = try nextInt32(field)
        guard range.contains(n) else {
            throw DCProgsMechanismError(.countOutOfRange, file: file, field: field, offset: at,
                                        reason: "\(n) is outside \(range.lowerBound)…\(range.upperBound)")
        }
        return n
    }

    /// A 1-based index read here must lie in 1…count; returned 0-based.
    mutating func nextIndex(_ field: String, count: Int, of what: String) throws(DCProgsMechanismError) -> Int {
        let at = position
        let i = try nextInt32(field)
        guard (1...max(count, 1)).contains(i), count > 0 else {
            throw DCProgsMechanismError(.invalidReference, file: file, field: field, offset: at,
                                        reason: "\(what) \(i) does not exist (1…\(count))")
        }
        return i - 1
    }
}

private extension String {
    var trimmingLeadingBlanks: String { String(drop(while: { $0 == " " })) }
}
