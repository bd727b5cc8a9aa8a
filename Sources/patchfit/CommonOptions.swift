import ArgumentParser
import Foundation
import PatchData

/// Options that tell a reader what a file cannot say itself.
struct ReadingOptions: ParsableArguments {
    @Option(help: "Sample rate in Hz, for text traces without a time column and raw sample files.")
    var sampleRate: Double?

    @Option(help: "Read files as headerless little-endian samples: float32 or int16.")
    var raw: RawSampleType?

    @Option(help: "Units of raw or untitled text samples (e.g. pA).")
    var units: String?

    func validate() throws {
        if let r = sampleRate, !(r > 0 && r.isFinite) { throw ValidationError("--sample-rate must be a positive number of Hz") }
        if raw != nil && sampleRate == nil { throw ValidationError("--raw needs --sample-rate") }
    }

    var readOptions: ReadOptions { ReadOptions(sampleRate: sampleRate, rawSampleType: raw, units: units) }
}

extension RawSampleType: ExpressibleByArgument {}

/// Files named directly, plus the regular files inside named folders (sorted, hidden files skipped).
func expandPaths(_ paths: [String]) throws -> [String] {
    var files: [String] = []
    for path in paths {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            files.append(path)  // the reader reports it as missing
            continue
        }
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
            for name in names {
                let full = (path as NSString).appendingPathComponent(name)
                var sub: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { files.append(full) }
            }
        } else {
            files.append(path)
        }
    }
    return files
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
