import Crypto
import Foundation
import PatchData

/// The version of PatchFit's analysis code; part of every cache key, so that results computed
/// by older code are never reused. Bump it whenever a stage's output would change.
public enum PatchFitVersion {
    public static let current = "0.7.0"
}

/// A content-addressed store of stage outputs under `<output>/.cache/`.
///
/// A stage's key is the SHA-256 of (stage name, its input's hash, its settings as canonical
/// JSON, the code version). A run that was killed finds the finished stages here and skips
/// them; entries are written atomically, so a half-written entry never exists.
public struct StageCache: Sendable {
    public let folder: String

    public init(outputFolder: String) {
        folder = (outputFolder as NSString).appendingPathComponent(".cache")
    }

    /// The key for one stage run.
    public static func key<S: Encodable>(stage: String, inputHash: String, settings: S) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let settingsJSON = (try? encoder.encode(settings)) ?? Data()
        var hasher = SHA256()
        for part in [Data(stage.utf8), Data(inputHash.utf8), settingsJSON, Data(PatchFitVersion.current.utf8)] {
            hasher.update(data: withUnsafeBytes(of: UInt64(part.count).littleEndian) { Data($0) })
            hasher.update(data: part)
        }
        return hex(hasher.finalize())
    }

    /// SHA-256 of a file's bytes, hex.
    public static func hash(file path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        return hex(SHA256.hash(data: data))
    }

    public static func hash(data: Data) -> String { hex(SHA256.hash(data: data)) }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    func path(stage: String, key: String) -> String {
        ((folder as NSString).appendingPathComponent(stage) as NSString).appendingPathComponent(key + ".json")
    }

    /// A cached value, or nil if absent or unreadable (an unreadable entry is recomputed).
    public func load<T: Decodable>(_ type: T.Type, stage: String, key: String) -> T? {
        guard let data = FileManager.default.contents(atPath: path(stage: stage, key: key)) else { return nil }
        return try? JSONDecoder().decode(T.self, from: data)
    }

    public func store<T: Encodable>(_ value: T, stage: String, key: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(value), to: path(stage: stage, key: key))
    }
}
