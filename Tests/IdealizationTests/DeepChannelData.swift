import Foundation

/// Test-local readers for the Deep-Channel records in ../shared/data/deepchannel (MANIFEST.md):
/// `time,current,GT` CSVs, the 1-channel QuB idealisations (one 0/1 per line, CR or LF
/// endings) and the 5-channel `.txt` idealisations (`level<TAB>dwell ms` per sample, blank
/// tab lines interleaved in the half-amplitude file).
enum DeepChannelData {
    /// Package root = three levels up from this file; data lives beside it in ../shared/data.
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/deepchannel")

    struct Record {
        var time: [Double]
        var current: [Double]
        var truth: [Int]
        var sampleInterval: Double { (time[time.count - 1] - time[0]) / Double(time.count - 1) }
    }

    static func lines(_ name: String) throws -> [Substring] {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
    }

    /// A `time,current[,GT]` CSV (rows that do not parse, e.g. a header, are skipped).
    static func trace(_ name: String) throws -> Record {
        var r = Record(time: [], current: [], truth: [])
        for line in try lines(name) {
            let f = line.split(separator: ",")
            guard f.count >= 2, let t = Double(f[0]), let c = Double(f[1]) else { continue }
            r.time.append(t); r.current.append(c)
            if f.count >= 3, let g = Double(f[2]) { r.truth.append(Int(g)) }
        }
        return r
    }

    /// The first number of every non-blank line, as an integer level.
    static func levels(_ name: String) throws -> [Int] {
        try lines(name).compactMap { line in
            line.split(whereSeparator: { $0 == "\t" || $0 == " " || $0 == "," }).first.flatMap { Double($0) }.map { Int($0) }
        }
    }

    /// Fraction of samples where `a` and `b` agree (over the shorter length).
    static func accuracy(_ a: [Int], _ b: [Int]) -> Double {
        let n = min(a.count, b.count)
        guard n > 0 else { return 0 }
        var same = 0
        for i in 0..<n where a[i] == b[i] { same += 1 }
        return Double(same) / Double(n)
    }
}
