import Foundation

/// Draws a `SchemeDiagram` as SVG: rounded boxes for states (open states filled orange, shut
/// states pale blue), a pair of opposed arrows per transition, and each rate beside its arrow.
///
/// Layout: states sit on a grid (a line when no positions are given). Column spacing is wide
/// enough for the longest rate label, so labels of neighbouring horizontal transitions cannot
/// overlap; vertical transitions carry both labels stacked to the right of the arrow pair,
/// half-way between rows, where no state or horizontal label sits. Diagonal transitions are
/// labelled at their midpoint and may crowd in dense grids.
public struct SchemeDiagramRenderer: Sendable {
    public var diagram: SchemeDiagram
    public var id: String
    let fontSize = 13.0
    let labelFont = 12.0
    let pad = 12.0
    let boxHeight = 40.0

    public init(diagram: SchemeDiagram, id: String = "scheme") {
        self.diagram = diagram
        self.id = id
    }

    // MARK: - Layout

    /// Grid cell of each state: given positions first, the rest filled into row 0 rightwards;
    /// a cell already taken moves the later state to the next free column of its row.
    func cells() -> [(column: Int, row: Int)] {
        var taken = Set<[Int]>()
        var result: [(column: Int, row: Int)] = []
        var nextFree = 0
        for state in diagram.states {
            var cell: (Int, Int)
            if let c = state.column, let r = state.row, c >= 0, r >= 0, c < 64, r < 64 {
                cell = (c, r)
            } else {
                cell = (nextFree, 0)
            }
            while taken.contains([cell.0, cell.1]) { cell.0 += 1 }
            taken.insert([cell.0, cell.1])
            if cell.1 == 0 { nextFree = max(nextFree, cell.0 + 1) }
            result.append((column: cell.0, row: cell.1))
        }
        return result
    }

    static func label(_ rate: RateLabel) -> String {
        "\(rate.name) = \(NumberText.withSD(rate.value, sd: rate.sd)) \(rate.unit)".trimmingCharacters(in: .whitespaces)
    }

    // MARK: - Render

    /// The diagram as an `<svg>` element; an empty scheme gives a small box saying so.
    public func svg() -> String {
        var svg = SVGBuilder()
        let title = "Fitted scheme"
        let titleHeight = TextMetrics.lineHeight(fontSize + 2) + 8
        guard !diagram.states.isEmpty else {
            svg.text(title, x: pad, y: pad + fontSize + 2, size: fontSize + 2, weight: "bold")
            svg.text("No states to draw.", x: pad, y: pad + titleHeight + fontSize, size: fontSize, fill: ChartPalette.grey)
            return svg.document(width: 400, height: pad * 2 + titleHeight + 2 * fontSize, label: title)
        }
        let grid = cells()
        let boxWidth = max(56, (diagram.states.map { TextMetrics.width($0.name, fontSize: fontSize + 1) }.max() ?? 0) + 24)
        var valid: [SchemeTransition] = []
        var notes: [String] = []
        for t in diagram.transitions {
            if diagram.states.indices.contains(t.from) && diagram.states.indices.contains(t.to) && t.from != t.to {
                valid.append(t)
            } else {
                notes.append("Transition \(t.from)→\(t.to) does not join two different states of the scheme; not drawn.")
            }
        }
        let labels = valid.flatMap { [Self.label($0.forward)] + ($0.backward.map { [Self.label($0)] } ?? []) }
        let widest = (labels.map { TextMetrics.width($0, fontSize: labelFont) + 16 }.max() ?? 0)
        // A horizontal label is centred between two boxes and must fit between them.
        let columnSpacing = max(boxWidth + 80, widest + boxWidth + 12)
        let rowSpacing = max(boxHeight + 120, 150)
        let columns = (grid.map(\.column).max() ?? 0) + 1, rows = (grid.map(\.row).max() ?? 0) + 1
        let left = pad + boxWidth / 2 + 8
        let top = pad + titleHeight + 34 + boxHeight / 2
        func centre(_ i: Int) -> (Double, Double) {
            (left + Double(grid[i].column) * columnSpacing, top + Double(grid[i].row) * rowSpacing)
        }
        let hasVertical = valid.contains { grid[$0.from].column == grid[$0.to].column }
        let width = left + Double(columns - 1) * columnSpacing + boxWidth / 2 + pad + (hasVertical ? widest + 24 : 8)
        let charsPerLine = max(30, Int((width - 2 * pad) / (labelFont * TextMetrics.averageAdvance)))
        let noteLines = notes.flatMap { ChartRenderer.wrap($0, width: charsPerLine) }
        let legendY = top + Double(rows - 1) * rowSpacing + boxHeight / 2 + 40
        let height = legendY + 12 + Double(noteLines.count) * TextMetrics.lineHeight(labelFont) + pad

        svg.text(title, x: pad, y: pad + fontSize + 2, size: fontSize + 2, weight: "bold")
        for t in valid { drawTransition(&svg, t, from: centre(t.from), to: centre(t.to), boxWidth: boxWidth) }
        for (i, state) in diagram.states.enumerated() {
            let (cx, cy) = centre(i)
            svg.rect(cx - boxWidth / 2, cy - boxHeight / 2, boxWidth, boxHeight,
                     fill: state.isOpen ? ChartPalette.orange : "#DDE8F3", stroke: "#222222", strokeWidth: 1.5, radius: 12)
            svg.text(state.name, x: cx, y: cy + (fontSize + 1) * 0.35, size: fontSize + 1, anchor: .middle, weight: "bold")
        }
        // Legend: what the fills mean.
        svg.rect(pad, legendY - 11, 22, 14, fill: ChartPalette.orange, stroke: "#222222", radius: 4)
        svg.text("open state", x: pad + 28, y: legendY, size: labelFont)
        svg.rect(pad + 120, legendY - 11, 22, 14, fill: "#DDE8F3", stroke: "#222222", radius: 4)
        svg.text("shut state", x: pad + 148, y: legendY, size: labelFont)
        var y = legendY + 12
        for line in noteLines {
            y += TextMetrics.lineHeight(labelFont)
            svg.text(line, x: pad, y: y - 3, size: labelFont, fill: "#444444", italic: true)
        }
        return svg.document(width: width, height: height, label: "Fitted scheme: " + diagram.states.map(\.name).joined(separator: ", "))
    }

    // MARK: - Arrows

    func drawTransition(_ svg: inout SVGBuilder, _ t: SchemeTransition, from a: (Double, Double), to b: (Double, Double), boxWidth: Double) {
        let dx = b.0 - a.0, dy = b.1 - a.1
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return }
        let u = (dx / length, dy / length)
        let n = (u.1, -u.0)   // left-hand normal: "up" for a left-to-right arrow
        // Leave each box where the ray crosses its border (box treated as a rectangle).
        let exit = min(abs(u.0) > 1e-9 ? (boxWidth / 2 + 6) / abs(u.0) : .infinity,
                       abs(u.1) > 1e-9 ? (boxHeight / 2 + 6) / abs(u.1) : .infinity)
        let offset = 5.0
        func arrow(_ sign: Double, reversed: Bool) {
            let sx = a.0 + u.0 * exit + n.0 * offset * sign, sy = a.1 + u.1 * exit + n.1 * offset * sign
            let ex = b.0 - u.0 * exit + n.0 * offset * sign, ey = b.1 - u.1 * exit + n.1 * offset * sign
            let (p0, p1) = reversed ? ((ex, ey), (sx, sy)) : ((sx, sy), (ex, ey))
            let dir = reversed ? (-u.0, -u.1) : u
            svg.line(p0.0, p0.1, p1.0 - dir.0 * 8, p1.1 - dir.1 * 8, stroke: "#222222", width: 1.4)
            // Arrowhead: a filled triangle whose tip is at p1.
            let base = (p1.0 - dir.0 * 10, p1.1 - dir.1 * 10)
            let side = (dir.1 * 4.5, -dir.0 * 4.5)
            let c = NumberText.coordinate
            svg.path("M\(c(p1.0)) \(c(p1.1)) L\(c(base.0 + side.0)) \(c(base.1 + side.1)) L\(c(base.0 - side.0)) \(c(base.1 - side.1)) Z", fill: "#222222")
        }
        let reversible = t.backward != nil
        arrow(reversible ? 1 : 0, reversed: false)
        if reversible { arrow(-1, reversed: true) }

        let mid = ((a.0 + b.0) / 2, (a.1 + b.1) / 2)
        let forward = Self.label(t.forward), backward = t.backward.map(Self.label)
        if abs(u.0) >= abs(u.1) * 2 {
            // Mostly horizontal: the label of the upper arrow above, of the lower one below.
            let up = n.1 <= 0 ? 1.0 : -1.0  // which sign of n points up on the page
            svg.text(forward, x: mid.0, y: mid.1 - offset - 9 + (up > 0 ? 0 : 2 * offset + 18 + labelFont - 4),
                     size: labelFont, anchor: .middle)
            if let backward {
                svg.text(backward, x: mid.0, y: mid.1 + (up > 0 ? offset + 9 + labelFont - 2 : -offset - 9),
                         size: labelFont, anchor: .middle)
            }
        } else {
            // Vertical or diagonal: both labels stacked to the right, with the arrow's direction.
            let downFirst = u.1 > 0
            let glyphForward = downFirst ? "↓" : "↑", glyphBackward = downFirst ? "↑" : "↓"
            let x = mid.0 + offset + 10
            svg.text("\(glyphForward) \(forward)", x: x, y: mid.1 - 3, size: labelFont)
            if let backward {
                svg.text("\(glyphBackward) \(backward)", x: x, y: mid.1 + labelFont + 1, size: labelFont)
            }
        }
    }
}
