import Foundation

/// The machine-readable files beside a report: `summary.json` and the CSV tables.
///
/// JSON uses sorted keys and encodes non-finite numbers as the strings "NaN", "Infinity" and
/// "-Infinity" (decode with `ReportTables.decoder()`), so any report can be written.
/// CSV follows RFC 4180 (comma, quotes doubled, CRLF-free "\n" lines); empty cells for
/// missing or non-finite numbers; numbers in shortest round-trip form.
public enum ReportTables {
    // MARK: - JSON

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    /// A decoder matching the files this module writes.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    /// `value` as pretty, key-sorted JSON with a final newline.
    public static func json<T: Encodable>(_ value: T) throws -> Data {
        var data = try encoder().encode(value)
        data.append(0x0A)
        return data
    }

    // MARK: - CSV

    /// One CSV field, quoted when it holds a comma, quote or line break.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func csv(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// rates.csv: name, value, sd, unit, truth, error_percent (one row per fitted rate).
    public static func ratesCSV(_ report: RecordingReport) -> String {
        csv(header: ["name", "value", "sd", "unit", "truth", "error_percent"], rows: report.rates.map {
            [$0.name, NumberText.data($0.value), NumberText.data($0.sd), $0.unit, NumberText.data($0.truth), NumberText.data($0.errorPercent)]
        })
    }

    /// histograms.csv in long form: histogram, kind, class, bin_lower, bin_upper, count, unit.
    /// The amplitude histogram (pA) comes first, then each dwell histogram (s) in report order.
    public static func histogramsCSV(_ report: RecordingReport) -> String {
        var rows: [[String]] = []
        func add(_ name: String, _ kind: String, _ classLabel: String, _ edges: [Double], _ counts: [Double], _ unit: String) {
            for i in 0..<min(max(0, edges.count - 1), counts.count) {
                rows.append([name, kind, classLabel, NumberText.data(edges[i]), NumberText.data(edges[i + 1]), NumberText.data(counts[i]), unit])
            }
        }
        if let a = report.amplitudeHistogram { add("amplitude", "amplitude", "", a.binEdges, a.counts, "pA") }
        for h in report.dwellHistograms { add(h.title, h.kind.rawValue, h.classLabel, h.binEdges, h.counts, "s") }
        return csv(header: ["histogram", "kind", "class", "bin_lower", "bin_upper", "count", "unit"], rows: rows)
    }
}
