import Foundation

/// Turns a pipeline's input patterns into a sorted, de-duplicated list of files.
///
/// A pattern is a file, a folder (its regular, non-hidden files, not recursive) or a shell
/// glob (`*`, `?`, `[…]`). A pattern that matches nothing is an error: a typo in a path must
/// not silently shrink a batch.
public enum InputFiles {
    public static func expand(_ patterns: [String], spec: PipelineSpec) throws(PipelineError) -> [String] {
        var files: [String] = []
        for pattern in patterns {
            let resolved = spec.resolve(pattern)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) {
                if isDirectory.boolValue {
                    let names = ((try? FileManager.default.contentsOfDirectory(atPath: resolved)) ?? []).filter { !$0.hasPrefix(".") }
                    for name in names.sorted() {
                        let full = (resolved as NSString).appendingPathComponent(name)
                        var sub: ObjCBool = false
                        if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { files.append(full) }
                    }
                } else {
                    files.append(resolved)
                }
                continue
            }
            let matches = glob(resolved)
            guard !matches.isEmpty else {
                throw PipelineError(file: spec.file, key: "inputs", reason: "'\(pattern)' matches no file")
            }
            files.append(contentsOf: matches)
        }
        var seen = Set<String>()
        return files.sorted().filter { seen.insert($0).inserted }
    }

    /// The regular files matching a shell pattern, sorted.
    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { i in
            guard let p = result.gl_pathv[i] else { return nil }
            let path = String(cString: p)
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue ? path : nil
        }.sorted()
    }
}

/// Which files one shard of a batch processes: shard i of n takes every n-th file from i.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public static let whole = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses "i/n" with 0 ≤ i < n.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else { return nil }
        self.init(index: i, count: n)
    }

    public func select<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { $0.offset % count == index }.map(\.element)
    }

    public var description: String { "\(index)/\(count)" }
}
