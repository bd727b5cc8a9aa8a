/// What went wrong reading a DCPROGS `.mec` mechanism file, or turning one of its rate sets
/// into a `GatingScheme`. Every error names the file, the field (in DCPROGS's own names, e.g.
/// `jstart[2]`, `QT[4]`, `nsc[1]`) and, where it is a byte in the file, its 0-based offset.
public struct DCProgsMechanismError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened or read.
        case unreadable
        /// A field runs past the end of the file (or into the next rate set's record).
        case truncated
        /// The version word is not one this reader knows (102, 103 or 200–299).
        case badVersion
        /// A record pointer (`jstart`, `ireclast`) points outside the file or into the header.
        case pointerBeyondEnd
        /// A count (states, rates, cycles, …) is outside the range DCPROGS itself allows.
        case countOutOfRange
        /// A number is not finite, or not positive where it must be (rates, factors).
        case invalidValue
        /// A state or rate index does not name an existing state, rate or ligand.
        case invalidReference
        /// The rate set asked for does not exist.
        case unknownRateSet
        /// The file holds several rate sets and none was chosen (`file.mec#N`).
        case rateSetRequired
        /// The file holds something a `GatingScheme` cannot express.
        case unsupported
    }

    public let kind: Kind
    /// The path of the file.
    public let file: String
    /// The field concerned (DCPROGS's name), or "" for the file as a whole.
    public let field: String
    /// The 0-based byte offset of the field in the file, when it is one.
    public let offset: Int?
    /// What is wrong, in words a user can act on.
    public let reason: String

    public init(_ kind: Kind, file: String, field: String = "", offset: Int? = nil, reason: String) {
        self.kind = kind
        self.file = file
        self.field = field
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        var s = "\(file)"
        if !field.isEmpty { s += ": field '\(field)'" }
        if let offset { s += " at byte \(offset)" }
        return s + ": \(reason)"
    }
}
