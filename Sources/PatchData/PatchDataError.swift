/// Everything that can go wrong reading or writing a PatchFit file.
///
/// Every case names the file and, where one applies, the header field and byte offset
/// (or line) involved, so that a lab can find the problem in the file itself.
public struct PatchDataError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened or read at all.
        case unreadable
        /// The file ends before a field or data block that the header promises.
        case truncated
        /// The magic bytes or signature do not belong to any supported format.
        case unrecognisedFormat
        /// The format is recognised but this variant of it is not supported.
        case unsupported
        /// A header field holds a value that cannot be right (negative size, zero rate, …).
        case invalidField
        /// A sample or interval is not finite, or text does not parse.
        case invalidValue
        /// Writing failed.
        case writeFailed
    }

    public var kind: Kind
    /// Path of the file involved.
    public var file: String
    /// The header field, column or data block involved ("" if none applies).
    public var field: String
    /// Byte offset (binary files) or 1-based line number (text files) involved, if known.
    public var offset: Int?
    /// Whether `offset` counts lines rather than bytes.
    public var offsetIsLine: Bool
    /// What is wrong, in words a user can act on.
    public var reason: String

    public init(_ kind: Kind, file: String, field: String = "", offset: Int? = nil,
                line: Bool = false, reason: String) {
        self.kind = kind
        self.file = file
        self.field = field
        self.offset = offset
        self.offsetIsLine = line
        self.reason = reason
    }

    public var description: String { "\(file): \(detail)" }

    /// The description without the file, for errors of other modules that name the file
    /// themselves: "field F at byte N: kind: reason".
    public var detail: String {
        var place = field.isEmpty ? "" : "field \(field)"
        if let offset { place += (place.isEmpty ? "" : " ") + (offsetIsLine ? "at line \(offset)" : "at byte \(offset)") }
        return (place.isEmpty ? "" : place + ": ") + "\(kind.rawValue.camelCaseToWords): \(reason)"
    }
}

extension String {
    /// "invalidField" → "invalid field".
    fileprivate var camelCaseToWords: String {
        var out = ""
        for ch in self {
            if ch.isUppercase { out += " " + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }
}
