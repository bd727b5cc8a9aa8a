import Foundation

/// Writes files so that a killed run never leaves a half-written file that looks whole:
/// the bytes go to a temporary name in the same folder, which is then renamed over the target.
public enum AtomicFile {
    /// Writes `data` to `path` atomically, creating the parent folder if needed.
    public static func write(_ data: Data, to path: String) throws(PatchDataError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw PatchDataError(.writeFailed, file: path, reason: String(cString: strerror(errno)))
            }
        } catch let error as PatchDataError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw PatchDataError(.writeFailed, file: path, reason: error.localizedDescription)
        }
    }

    /// Writes UTF-8 text to `path` atomically.
    public static func write(_ text: String, to path: String) throws(PatchDataError) {
        try write(Data(text.utf8), to: path)
    }
}

/// Writes dwell sequences in the text formats PatchFit produces.
public enum DwellFileWriter {
    /// Writes `sequence` as `.dwt` or as PatchFit's dwell CSV, atomically.
    /// Throws `.unsupported` for any other format.
    public static func write(_ sequence: DwellSequence, to path: String, format: FileFormat) throws(PatchDataError) {
        switch format {
        case .dwt: try AtomicFile.write(DwtFile.text(of: sequence), to: path)
        case .dwellCSV: try AtomicFile.write(DwellCSVFile.text(of: sequence), to: path)
        default:
            throw PatchDataError(.unsupported, file: path, reason: "dwell lists are written as .dwt or CSV, not \(format.rawValue)")
        }
    }

    /// The dwell format a path's extension asks for: `.dwt` → QuB, anything else → CSV.
    public static func format(forPath path: String) -> FileFormat {
        path.lowercased().hasSuffix(".dwt") ? .dwt : .dwellCSV
    }
}
