/// A mistake in a pipeline file or a failure while running one.
///
/// Pipeline-file mistakes name the file and the line (and the key) so that a user can fix
/// them before any work starts.
public struct PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String
    public var reason: String

    public init(file: String, line: Int? = nil, key: String = "", reason: String) {
        self.file = file
        self.line = line
        self.key = key
        self.reason = reason
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if !key.isEmpty { place += ": \(key)" }
        return "\(place): \(reason)"
    }
}
