import Foundation

/// The lines of a text file, split on LF, CRLF or a bare CR (old Mac exports use CR only).
///
/// Lines keep their 1-based numbers so that errors can point at them; blank lines are kept.
struct TextLines: Sendable {
    let file: String
    let lines: [Substring]

    init(_ r: ByteReader) throws(PatchDataError) {
        try self.init(data: r.data, file: r.file)
    }

    init(data: Data, file: String) throws(PatchDataError) {
        self.file = file
        let text = try FileContents.decodeText(data, file: file)
        var lines: [Substring] = []
        var lineStart = text.startIndex
        var i = text.startIndex
        let utf8 = text.utf8
        var u = utf8.startIndex
        while u != utf8.endIndex {
            let byte = utf8[u]
            if byte == 0x0A || byte == 0x0D {
                i = u
                lines.append(text[lineStart..<i])
                var next = utf8.index(after: u)
                if byte == 0x0D, next != utf8.endIndex, utf8[next] == 0x0A { next = utf8.index(after: next) }
                u = next
                lineStart = u
                continue
            }
            u = utf8.index(after: u)
        }
        if lineStart != text.endIndex { lines.append(text[lineStart...]) }
        self.lines = lines
    }

    /// An error pointing at a 1-based line.
    func error(_ kind: PatchDataError.Kind, line: Int, field: String = "", _ reason: String) -> PatchDataError {
        PatchDataError(kind, file: file, field: field, offset: line, line: true, reason: reason)
    }

    /// Splits a line on the delimiter the file uses (tab, comma or semicolon), trimming spaces
    /// and surrounding double quotes from each cell.
    static func cells(_ line: Substring, delimiter: Character) -> [Substring] {
        line.split(separator: delimiter, omittingEmptySubsequences: delimiter == " ").map { cell in
            var c = cell.trimmingCharacters(in: .whitespaces)[...]
            if c.count >= 2, c.first == "\"", c.last == "\"" { c = c.dropFirst().dropLast() }
            return c
        }
    }

    /// The delimiter of a header or data line: tab if present, else comma, else semicolon,
    /// else runs of spaces (reported as " ").
    static func delimiter(of line: Substring) -> Character {
        if line.contains("\t") { return "\t" }
        if line.contains(",") { return "," }
        if line.contains(";") { return ";" }
        return " "
    }

    /// Parses a finite number or throws a line-numbered error.
    func number(_ cell: Substring, line: Int, column: String) throws(PatchDataError) -> Double {
        guard let x = Double(cell) else {
            throw error(.invalidValue, line: line, field: column, "\"\(cell.prefix(40))\" is not a number")
        }
        guard x.isFinite else {
            throw error(.invalidValue, line: line, field: column, "\(cell) is not a finite number")
        }
        return x
    }

    // MARK: - Detection

    /// The text format the first bytes of a file announce, or nil if they are not text PatchFit reads.
    static func classify(_ head: [UInt8]) -> FileFormat? {
        guard !head.contains(0) else { return nil }
        let printable = head.filter { $0 == 9 || $0 == 10 || $0 == 13 || ($0 >= 32 && $0 < 127) || $0 >= 0xA0 }.count
        guard printable * 100 >= head.count * 98 else { return nil }
        let text = String(decoding: head, as: UTF8.self)
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let lower = firstLine.lowercased()
        if lower.hasPrefix("segment:") && lower.contains("dwells:") { return .dwt }
        if lower.hasPrefix("trace") && lower.contains("search") && lower.contains("level") { return .clampfitEvents }
        if lower.replacingOccurrences(of: " ", with: "").hasPrefix("start_s,duration_s,level") { return .dwellCSV }
        if lower.hasPrefix("atf") { return .textTrace }
        // A delimited numeric table, with or without one header line.
        let sample = text.split(whereSeparator: \.isNewline).dropFirst().prefix(3)
        let numeric = sample.contains { line in
            let cells = TextLines.cells(line, delimiter: TextLines.delimiter(of: line)).filter { !$0.isEmpty }
            return !cells.isEmpty && cells.allSatisfy { Double($0) != nil }
        }
        return numeric ? .textTrace : nil
    }
}
