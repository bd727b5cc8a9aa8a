import Foundation

/// Reader for sampled traces in delimited text: CSV, TSV and Axon Text Files (ATF).
///
/// - One optional header line of column titles (ATF: the titles line after its optional records).
///   A title such as `Time (ms)`, `time_s` or `current_pA` gives the column's units.
/// - The first column is time when its title says so (`t`, `time…`) or, without titles, when its
///   values rise in equal steps; otherwise the sample rate must come from `ReadOptions.sampleRate`.
/// - An explicit `ReadOptions.sampleRate` wins over the time column.
/// - Every other column is a channel with one sweep. Cells must be finite numbers; a NaN, an
///   Inf or text in a data row is an error naming its line and column.
enum TextTraceFile {
    static func read(_ t: TextLines, options: ReadOptions) throws(PatchDataError) -> Recording {
        var lines = t.lines.enumerated().map { (number: $0.offset + 1, text: $0.element) }
        var format = "csv"
        var titles: [String]?
        // ATF: "ATF <version>", then "<optional records> <columns>", records, titles.
        if let first = lines.first, first.text.lowercased().hasPrefix("atf") {
            format = "atf"
            guard lines.count >= 3 else { throw t.error(.truncated, line: lines.count, "ATF header is incomplete") }
            let counts = TextLines.cells(lines[1].text, delimiter: TextLines.delimiter(of: lines[1].text))
            guard counts.count >= 2, let records = Int(counts[0]), records >= 0, records < lines.count - 2 else {
                throw t.error(.invalidField, line: 2, field: "header record count", "expected '<records> <columns>'")
            }
            let titleLine = lines[2 + records]
            titles = TextLines.cells(titleLine.text, delimiter: TextLines.delimiter(of: titleLine.text)).map(String.init)
            lines.removeFirst(3 + records)
        }
        lines.removeAll { $0.text.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let firstRow = lines.first else {
            throw t.error(.truncated, line: t.lines.count, "no data rows")
        }
        let delimiter = TextLines.delimiter(of: firstRow.text)
        if titles == nil {
            let cells = TextLines.cells(firstRow.text, delimiter: delimiter)
            if cells.contains(where: { Double($0) == nil }) {
                titles = cells.map(String.init)
                lines.removeFirst()
            }
        }
        guard !lines.isEmpty else { throw t.error(.truncated, line: t.lines.count, "a header but no data rows") }
        let columnCount = titles?.count ?? TextLines.cells(lines[0].text, delimiter: delimiter).count

        // Parse all rows column-wise.
        var columns = [[Double]](repeating: [], count: columnCount)
        for c in columns.indices { columns[c].reserveCapacity(lines.count) }
        var values: [Double] = []
        var badCell = 0
        for row in lines {
            func columnName(_ c: Int) -> String { c < (titles?.count ?? 0) ? titles![c] : "column \(c + 1)" }
            guard TextLines.numbers(in: row.text, delimiter: delimiter, into: &values, badCell: &badCell) else {
                // Re-parse the offending cell the slow way for a precise message.
                let cells = TextLines.cells(row.text, delimiter: delimiter)
                let cell = badCell < cells.count ? cells[badCell] : ""
                throw t.error(.invalidValue, line: row.number, field: columnName(badCell), "\"\(cell.prefix(40))\" is not a number")
            }
            guard values.count >= columnCount else {
                throw t.error(.truncated, line: row.number, "row has \(values.count) cells, expected \(columnCount)")
            }
            for c in 0..<columnCount {
                guard values[c].isFinite else {
                    throw t.error(.invalidValue, line: row.number, field: columnName(c), "\(values[c]) is not a finite number")
                }
                columns[c].append(values[c])
            }
        }

        let parsedTitles = (titles ?? []).map(ColumnTitle.init)
        let firstIsTime = parsedTitles.first?.isTime ?? (columnCount > 1 && looksLikeTime(columns[0]))
        var dt: Double
        if firstIsTime {
            let scale = parsedTitles.first?.secondsPerUnit ?? 1
            guard columns[0].count >= 2 else {
                throw t.error(.truncated, line: lines[0].number, field: "time", "one sample cannot give a sample interval")
            }
            dt = (columns[0].last! - columns[0].first!) / Double(columns[0].count - 1) * scale
            guard dt > 0, dt.isFinite else {
                throw t.error(.invalidValue, line: lines[0].number, field: "time", "time does not increase")
            }
            if let rate = options.sampleRate, rate > 0 { dt = 1 / rate }
        } else {
            guard let rate = options.sampleRate, rate > 0, rate.isFinite else {
                throw PatchDataError(.invalidField, file: t.file, field: "sample rate",
                                     reason: "the file has no time column; give the sample rate")
            }
            dt = 1 / rate
        }
        let first = firstIsTime ? 1 : 0
        guard first < columnCount else {
            throw t.error(.invalidField, line: lines[0].number, "only a time column, no samples")
        }
        let channels = (first..<columnCount).map { c in
            let title = c < parsedTitles.count ? parsedTitles[c] : nil
            return RecordingChannel(name: title?.name ?? "column \(c + 1)",
                                    units: title?.units ?? options.units ?? "",
                                    sweeps: [columns[c].map { Float($0) }])
        }
        var meta = ["rows": String(lines.count), "delimiter": delimiter == "\t" ? "tab" : String(delimiter)]
        if firstIsTime { meta["time_column"] = titles?.first ?? "column 1" }
        return Recording(channels: channels, sampleInterval: dt,
                         provenance: Provenance(file: t.file, format: .textTrace, formatVersion: format, metadata: meta))
    }

    /// Evenly rising values: the first column of an untitled table is then time.
    static func looksLikeTime(_ x: [Double]) -> Bool {
        guard x.count >= 3 else { return false }
        let step = (x[x.count - 1] - x[0]) / Double(x.count - 1)
        guard step > 0 else { return false }
        let probe = stride(from: 1, to: x.count, by: max(1, x.count / 1000))
        return probe.allSatisfy { abs(x[$0] - x[$0 - 1] - step) <= 0.01 * step }
    }
}

/// A column title split into a name and units: `Time (ms)`, `current_pA`, `I [pA]`.
struct ColumnTitle {
    var name: String
    var units: String?

    init(_ title: String) {
        let t = title.trimmingCharacters(in: .whitespaces)
        if let open = t.firstIndex(where: { $0 == "(" || $0 == "[" }), let close = t.lastIndex(where: { $0 == ")" || $0 == "]" }), open < close {
            name = t[..<open].trimmingCharacters(in: .whitespaces)
            units = String(t[t.index(after: open)..<close])
        } else if let underscore = t.lastIndex(of: "_"), ColumnTitle.knownUnits.contains(String(t[t.index(after: underscore)...])) {
            name = String(t[..<underscore])
            units = String(t[t.index(after: underscore)...])
        } else {
            name = t
            units = nil
        }
    }

    static let knownUnits: Set<String> = ["s", "ms", "us", "pA", "nA", "uA", "A", "mV", "V", "fA"]

    var isTime: Bool {
        let n = name.lowercased()
        return n == "t" || n.hasPrefix("time")
    }

    /// Seconds per unit of a time column (1 if no units are given).
    var secondsPerUnit: Double {
        switch units?.lowercased() {
        case "ms": return 1e-3
        case "us", "µs": return 1e-6
        default: return 1
        }
    }
}
