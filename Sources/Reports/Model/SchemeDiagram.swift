import Foundation

/// A fitted gating scheme, as a state diagram to draw.
///
/// States without a grid position are laid out in a line in the order given; if any state has a
/// position, states without one go to the first free cell of row 0 to the right.
public struct SchemeDiagram: Codable, Sendable, Equatable {
    public var states: [SchemeState]
    public var transitions: [SchemeTransition]

    public init(states: [SchemeState], transitions: [SchemeTransition]) {
        self.states = states
        self.transitions = transitions
    }
}

/// One state of a scheme.
public struct SchemeState: Codable, Sendable, Equatable {
    /// e.g. "C1", "O3", "A2R*".
    public var name: String
    public var isOpen: Bool
    /// Grid column (0-based, left to right) and row (0-based, top to bottom), if the caller
    /// wants a layout other than a line.
    public var column: Int?
    public var row: Int?

    public init(name: String, isOpen: Bool, column: Int? = nil, row: Int? = nil) {
        self.name = name
        self.isOpen = isOpen
        self.column = column
        self.row = row
    }
}

/// A connection between two states, with the rate each way.
/// Indices out of range are skipped with a note in the drawing.
public struct SchemeTransition: Codable, Sendable, Equatable {
    public var from: Int
    public var to: Int
    /// Rate from `from` to `to`.
    public var forward: RateLabel
    /// Rate from `to` back to `from`; nil for an irreversible step.
    public var backward: RateLabel?

    public init(from: Int, to: Int, forward: RateLabel, backward: RateLabel? = nil) {
        self.from = from
        self.to = to
        self.forward = forward
        self.backward = backward
    }
}

/// A rate as written beside an arrow: "k12 = 1020 ± 40 s⁻¹".
public struct RateLabel: Codable, Sendable, Equatable {
    public var name: String
    public var value: Double
    public var sd: Double?
    public var unit: String

    public init(name: String, value: Double, sd: Double? = nil, unit: String) {
        self.name = name
        self.value = value
        self.sd = sd
        self.unit = unit
    }
}
