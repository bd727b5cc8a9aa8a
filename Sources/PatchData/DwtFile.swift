import Foundation

/// QuB's idealised dwell-time text format (`.dwt`), read and written.
///
/// ```
/// Segment: 1 Dwells: 3 Sampling(ms): 0.1 Start(ms): 0 ClassCount: 2 0 0.1 -5 0.2
/// 0	12.5
/// 1	3.2
/// 0	40.1
/// ```
/// One header line per segment — dwell count, sampling interval and start time in ms, then
/// `ClassCount: K` followed by K pairs (amplitude, standard deviation) in pA — then one
/// `class<TAB>duration_ms` line per dwell, classes numbered from 0 (0 = shut).
public enum DwtFile {
    static func read(_ t: TextLines) throws(PatchDataError) -> DwellSequence {
        var dwells: [Dwell] = []
        var segmentStarts: [Int] = []
        var sampling: Double?
        var segmentAmplitudes: [Double] = []
        var remaining = 0
        var segmentLine = 0
        for (index, line) in t.lines.enumerated() {
            let number = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.lowercased().hasPrefix("segment:") {
                guard remaining == 0 else {
                    throw t.error(.truncated, line: segmentLine, field: "Dwells", "segment promised \(remaining) more dwells than it holds")
                }
                let header = try parseHeader(trimmed, t: t, line: number)
                remaining = header.dwells
                segmentLine = number
                segmentAmplitudes = header.amplitudes
                if sampling == nil { sampling = header.samplingMs.map { $0 * 1e-3 } }
                segmentStarts.append(dwells.count)
                continue
            }
            guard remaining > 0 else {
                throw t.error(.invalidValue, line: number, "a dwell line outside any segment (or more dwells than the header says)")
            }
            let cells = TextLines.cells(line, delimiter: TextLines.delimiter(of: line)).filter { !$0.isEmpty }
            guard cells.count >= 2, let level = Int(cells[0]), level >= 0 else {
                throw t.error(.invalidValue, line: number, field: "class", "expected 'class<TAB>duration_ms'")
            }
            let ms = try t.number(cells[1], line: number, column: "duration")
            guard ms >= 0 else { throw t.error(.invalidValue, line: number, field: "duration", "negative duration \(ms)") }
            let amplitude = level < segmentAmplitudes.count ? segmentAmplitudes[level] : 0
            dwells.append(Dwell(level: level, amplitude: amplitude, duration: ms * 1e-3))
            remaining -= 1
        }
        guard remaining == 0 else {
            throw t.error(.truncated, line: segmentLine, field: "Dwells", "file ends \(remaining) dwells short of the segment header")
        }
        guard !segmentStarts.isEmpty else {
            throw t.error(.truncated, line: max(1, t.lines.count), "no 'Segment:' header")
        }
        return DwellSequence(dwells: dwells, segmentStarts: segmentStarts, sampleInterval: sampling,
                             provenance: Provenance(file: t.file, format: .dwt, formatVersion: "qub",
                                                    metadata: ["segments": String(segmentStarts.count)]))
    }

    private struct Header { var dwells: Int; var samplingMs: Double?; var amplitudes: [Double] }

    private static func parseHeader(_ line: String, t: TextLines, line number: Int) throws(PatchDataError) -> Header {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        func value(after key: String) -> String? {
            guard let i = words.firstIndex(where: { $0.lowercased() == key.lowercased() }), i + 1 < words.count else { return nil }
            return words[i + 1]
        }
        guard let countText = value(after: "Dwells:"), let count = Int(countText), count >= 0, count < 1 << 31 else {
            throw t.error(.invalidField, line: number, field: "Dwells", "missing or invalid dwell count")
        }
        let sampling = value(after: "Sampling(ms):").flatMap(Double.init)
        var amplitudes: [Double] = []
        if let i = words.firstIndex(where: { $0.lowercased() == "classcount:" }), i + 1 < words.count, let k = Int(words[i + 1]), k >= 0 {
            let pairs = words.dropFirst(i + 2)
            for (j, word) in pairs.enumerated() where j % 2 == 0 && amplitudes.count < k {
                guard let a = Double(word), a.isFinite else {
                    throw t.error(.invalidField, line: number, field: "ClassCount", "amplitude '\(word)' is not a number")
                }
                amplitudes.append(a)
            }
        }
        return Header(dwells: count, samplingMs: sampling, amplitudes: amplitudes)
    }

    /// The `.dwt` text of a dwell sequence: one segment per `segmentRanges` entry; class
    /// amplitudes are the duration-weighted mean amplitude of each level (SD 0 when unknown).
    public static func text(of sequence: DwellSequence) -> String {
        let levels = (sequence.levels.max() ?? 0) + 1
        var weighted = [Double](repeating: 0, count: levels), time = [Double](repeating: 0, count: levels)
        for d in sequence.dwells where d.level >= 0 { weighted[d.level] += d.amplitude * d.duration; time[d.level] += d.duration }
        let classAmps = (0..<levels).map { time[$0] > 0 ? weighted[$0] / time[$0] : 0 }
        let samplingMs = (sequence.sampleInterval ?? 1e-5) * 1e3
        var out = ""
        var start = 0.0
        for (s, range) in sequence.segmentRanges.enumerated() {
            out += "Segment: \(s + 1) Dwells: \(range.count) Sampling(ms): \(samplingMs) Start(ms): \(start * 1e3) ClassCount: \(levels)"
            for a in classAmps { out += " \(a) 0" }
            out += "\n"
            for d in sequence.dwells[range] {
                out += "\(d.level)\t\(d.duration * 1e3)\n"
                start += d.duration
            }
        }
        return out
    }
}
