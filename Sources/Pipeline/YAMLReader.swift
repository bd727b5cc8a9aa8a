import Foundation
import Yams

/// Reads a YAML mapping key by key, remembering each node's line so that every mistake —
/// a wrong type, a value out of range, an unknown key (usually a typo) — names its line.
struct YAMLReader {
    let file: String
    let node: Node
    let path: String
    private let mapping: Node.Mapping

    init(file: String, node: Node, path: String = "") throws(PipelineError) {
        guard case .mapping(let m) = node else {
            throw PipelineError(file: file, line: node.mark?.line, key: path, reason: "expected a mapping of keys to values")
        }
        self.file = file
        self.node = node
        self.path = path
        self.mapping = m
    }

    /// Parses a whole YAML text into its root mapping.
    static func parse(_ text: String, file: String) throws(PipelineError) -> YAMLReader {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            let line = (error as? YamlError).flatMap { e -> Int? in
                if case .scanner(_, _, let mark, _) = e { return mark.line }
                if case .parser(_, _, let mark, _) = e { return mark.line }
                return nil
            }
            throw PipelineError(file: file, line: line, reason: "not valid YAML: \(error)")
        }
        guard let root else { throw PipelineError(file: file, line: 1, reason: "the file is empty") }
        return try YAMLReader(file: file, node: root)
    }

    var line: Int? { node.mark?.line }

    func qualified(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func value(_ key: String) -> Node? {
        mapping[Node(key)]
    }

    func error(_ key: String, _ reason: String) -> PipelineError {
        PipelineError(file: file, line: value(key)?.mark?.line ?? line, key: qualified(key), reason: reason)
    }

    /// Throws for keys not in `allowed`, naming the line of the first one.
    func rejectUnknownKeys(_ allowed: Set<String>) throws(PipelineError) {
        for (k, _) in mapping {
            guard let name = k.string, allowed.contains(name) else {
                let name = k.string ?? "?"
                throw PipelineError(file: file, line: k.mark?.line, key: qualified(name),
                                    reason: "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
    }

    // MARK: - Typed values

    func string(_ key: String) throws(PipelineError) -> String? {
        guard let n = value(key) else { return nil }
        guard case .scalar(let s) = n else { throw error(key, "expected text") }
        return s.string
    }

    func requiredString(_ key: String) throws(PipelineError) -> String {
        guard let s = try string(key), !s.isEmpty else { throw error(key, "is required") }
        return s
    }

    func double(_ key: String, min: Double? = nil, positive: Bool = false) throws(PipelineError) -> Double? {
        guard let n = value(key) else { return nil }
        guard case .scalar(let s) = n, let x = Double(s.string.trimmingCharacters(in: .whitespaces)), x.isFinite else {
            throw error(key, "expected a number, got '\(n.string ?? "?")'")
        }
        if positive, !(x > 0) { throw error(key, "must be greater than 0, got \(x)") }
        if let min, x < min { throw error(key, "must be at least \(min), got \(x)") }
        return x
    }

    func int(_ key: String, min: Int? = nil) throws(PipelineError) -> Int? {
        guard let n = value(key) else { return nil }
        guard case .scalar(let s) = n, let x = Int(s.string.trimmingCharacters(in: .whitespaces)) else {
            throw error(key, "expected a whole number, got '\(n.string ?? "?")'")
        }
        if let min, x < min { throw error(key, "must be at least \(min), got \(x)") }
        return x
    }

    func bool(_ key: String) throws(PipelineError) -> Bool? {
        guard let n = value(key) else { return nil }
        switch n.string?.lowercased() {
        case "on", "true", "yes": return true
        case "off", "false", "no": return false
        default: throw error(key, "expected on/off, got '\(n.string ?? "?")'")
        }
    }

    func choice(_ key: String, _ options: [String]) throws(PipelineError) -> String? {
        guard let s = try string(key) else { return nil }
        guard options.contains(s.lowercased()) else { throw error(key, "expected one of \(options.joined(separator: ", ")), got '\(s)'") }
        return s.lowercased()
    }

    /// A list of scalars, or a single scalar taken as a one-element list.
    func strings(_ key: String) throws(PipelineError) -> [String]? {
        guard let n = value(key) else { return nil }
        switch n {
        case .scalar(let s): return [s.string]
        case .sequence(let seq):
            var out: [String] = []
            for item in seq {
                guard case .scalar(let s) = item else {
                    throw PipelineError(file: file, line: item.mark?.line, key: qualified(key), reason: "expected a list of text values")
                }
                out.append(s.string)
            }
            return out
        default: throw error(key, "expected a list")
        }
    }

    func doubles(_ key: String) throws(PipelineError) -> [Double]? {
        guard let items = try strings(key) else { return nil }
        var out: [Double] = []
        for item in items {
            guard let x = Double(item), x.isFinite else { throw error(key, "expected numbers, got '\(item)'") }
            out.append(x)
        }
        return out
    }

    func section(_ key: String) throws(PipelineError) -> YAMLReader? {
        guard let n = value(key) else { return nil }
        return try YAMLReader(file: file, node: n, path: qualified(key))
    }
}
