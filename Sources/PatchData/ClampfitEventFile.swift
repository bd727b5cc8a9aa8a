import Foundation

/// Reader for Clampfit's single-channel event sheet exported as CSV.
///
/// Columns (titles abbreviated in some versions): Trace, Search, Level, State, Event Start,
/// Event End, Amplitude, Amp SD, Dwell Time, Inst. Freq, Interval. Times are in ms, amplitudes
/// in pA. Each row is one dwell at `Level` (0 = shut); a new `Trace` starts a new segment,
/// and so does a row of empty cells (Clampfit's separator between search sections) or a gap
/// between one event's end and the next one's start. A row repeating the previous event's
/// start and end exactly (an export quirk) is skipped and counted in the metadata.
enum ClampfitEventFile {
    static func read(_ t: TextLines) throws(PatchDataError) -> DwellSequence {
        guard let header = t.lines.first else { throw t.error(.truncated, line: 1, "empty file") }
        let delimiter = TextLines.delimiter(of: header)
        let titles = TextLines.cells(header, delimiter: delimiter).map { $0.lowercased().replacingOccurrences(of: " ", with: "") }
        func column(_ prefixes: [String]) throws(PatchDataError) -> Int {
            for p in prefixes { if let i = titles.firstIndex(where: { $0.hasPrefix(p) }) { return i } }
            throw t.error(.invalidField, line: 1, field: prefixes[0], "no '\(prefixes[0])' column in the event sheet header")
        }
        let trace = try column(["trace"])
        let level = try column(["level"])
        let start = try column(["eventst", "eventstart"])
        let end = try column(["eventend", "eventen"])
        let amp = try column(["amplitud", "amp"])
        let dwell = try column(["dwelltime", "dwell"])

        var dwells: [Dwell] = []
        var segmentStarts: [Int] = []
        var lastTrace: Substring?
        var lastEnd: Double?
        var lastStart: Double?
        var duplicates = 0
        var sectionBreak = false
        for (index, line) in t.lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let number = index + 1
            let cells = TextLines.cells(line, delimiter: delimiter)
            if cells.allSatisfy(\.isEmpty) {
                sectionBreak = true
                continue
            }
            guard cells.count > max(trace, level, start, end, amp, dwell) else {
                throw t.error(.truncated, line: number, "row has \(cells.count) cells, fewer than the header's \(titles.count)")
            }
            guard let lvl = Int(cells[level]), lvl >= 0 else {
                throw t.error(.invalidValue, line: number, field: "Level", "'\(cells[level])' is not a level")
            }
            let t0 = try t.number(cells[start], line: number, column: "Event Start")
            let t1 = try t.number(cells[end], line: number, column: "Event End")
            let ms = try t.number(cells[dwell], line: number, column: "Dwell Time")
            let pA = try t.number(cells[amp], line: number, column: "Amplitude")
            guard ms >= 0, t1 >= t0 else {
                throw t.error(.invalidValue, line: number, field: "Dwell Time", "negative duration")
            }
            if t0 == lastStart && t1 == lastEnd {
                duplicates += 1
                continue
            }
            let gap = lastEnd.map { abs(t0 - $0) > max(1e-6, 1e-3 * ms) } ?? true
            if cells[trace] != lastTrace || gap || sectionBreak { segmentStarts.append(dwells.count) }
            sectionBreak = false
            lastTrace = cells[trace]
            lastEnd = t1
            lastStart = t0
            dwells.append(Dwell(level: lvl, amplitude: pA, duration: ms * 1e-3))
        }
        guard !dwells.isEmpty else { throw t.error(.truncated, line: t.lines.count, "no events") }
        return DwellSequence(dwells: dwells, segmentStarts: segmentStarts,
                             provenance: Provenance(file: t.file, format: .clampfitEvents, formatVersion: "csv",
                                                    metadata: ["events": String(dwells.count), "duplicate rows skipped": String(duplicates)]))
    }
}

/// PatchFit's own dwell list: CSV with columns `start_s,duration_s,level,amplitude_pA`
/// (an optional fifth column `flags` holds `DwellFlags` bits). A start that does not meet
/// the previous dwell's end begins a new segment.
public enum DwellCSVFile {
    /// The header line written and expected.
    public static let header = "start_s,duration_s,level,amplitude_pA,flags"

    static func read(_ t: TextLines) throws(PatchDataError) -> DwellSequence {
        var dwells: [Dwell] = []
        var segmentStarts: [Int] = []
        var expectedStart: Double?
        for (index, line) in t.lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let number = index + 1
            let cells = TextLines.cells(line, delimiter: ",")
            guard cells.count >= 4 else { throw t.error(.truncated, line: number, "expected 4 columns, got \(cells.count)") }
            let start = try t.number(cells[0], line: number, column: "start_s")
            let duration = try t.number(cells[1], line: number, column: "duration_s")
            guard duration >= 0 else { throw t.error(.invalidValue, line: number, field: "duration_s", "negative duration") }
            guard let level = Int(cells[2]), level >= 0 else {
                throw t.error(.invalidValue, line: number, field: "level", "'\(cells[2])' is not a level")
            }
            let amplitude = try t.number(cells[3], line: number, column: "amplitude_pA")
            let flags = cells.count > 4 ? DwellFlags(rawValue: UInt8(cells[4]) ?? 0) : []
            if let e = expectedStart, abs(start - e) <= 1e-9 * max(1, abs(e)) + 1e-12 { } else { segmentStarts.append(dwells.count) }
            expectedStart = start + duration
            dwells.append(Dwell(level: level, amplitude: amplitude, duration: duration, flags: flags))
        }
        return DwellSequence(dwells: dwells, segmentStarts: segmentStarts,
                             provenance: Provenance(file: t.file, format: .dwellCSV, formatVersion: "1"))
    }

    /// The CSV text of a dwell sequence; segments after the first start where the previous
    /// one ended plus one second, so that reading it back recovers the segment boundaries.
    public static func text(of sequence: DwellSequence) -> String {
        var out = header + "\n"
        var t = 0.0
        for (s, range) in sequence.segmentRanges.enumerated() {
            if s > 0 { t += 1 }
            for d in sequence.dwells[range] {
                out += "\(t),\(d.duration),\(d.level),\(d.amplitude),\(d.flags.rawValue)\n"
                t += d.duration
            }
        }
        return out
    }
}
