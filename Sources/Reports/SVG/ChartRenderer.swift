import Foundation

/// Turns a `Chart` into SVG: collects the drawable points, fixes the axes, computes margins
/// from the measured label widths, then draws frame, ticks, series, markers, legend and notes.
struct ChartRenderer {
    let chart: Chart
    var tickFont: Double { chart.fontSize * 0.9 }
    var smallFont: Double { chart.fontSize * 0.85 }
    let pad = 8.0
    let tickLength = 5.0

    // MARK: - Drawable points

    /// Finite points per series (bars/step: bins) and how many values were left out.
    struct Prepared {
        var points: [[(Double, Double)]] = []   // line/markers: points; bars/step: (edge, value) pairs
        var upperEdges: [[Double]] = []          // bars/step: right edge of each kept bin
        var skipped = 0
        var xValues: [Double] = []
        var yValues: [Double] = []
    }

    func usable(_ v: Double, _ axis: Axis) -> Bool {
        v.isFinite && (axis.scale == .linear || v > 0)
    }

    func prepare() -> Prepared {
        var p = Prepared()
        for s in chart.series {
            var kept: [(Double, Double)] = [], uppers: [Double] = []
            switch s.kind {
            case .line, .markers:
                for i in 0..<min(s.x.count, s.y.count) {
                    if usable(s.x[i], chart.xAxis) && usable(s.y[i], chart.yAxis) {
                        kept.append((s.x[i], s.y[i]))
                    } else {
                        p.skipped += 1
                        if s.kind == .line { kept.append((.nan, .nan)) }  // breaks the line
                    }
                }
                p.xValues += kept.map(\.0)
                p.yValues += kept.map(\.1)
            case .bars, .step:
                for i in 0..<min(max(0, s.x.count - 1), s.y.count) {
                    let (a, b, v) = (s.x[i], s.x[i + 1], s.y[i])
                    if usable(a, chart.xAxis) && usable(b, chart.xAxis) && b > a && usable(v, chart.yAxis) {
                        kept.append((a, v))
                        uppers.append(b)
                        p.xValues += [a, b]
                        p.yValues.append(v)
                    } else {
                        p.skipped += 1
                    }
                }
                if s.kind == .bars && !kept.isEmpty && chart.yAxis.scale == .linear { p.yValues.append(0) }
            }
            p.points.append(kept)
            p.upperEdges.append(uppers)
        }
        p.xValues += chart.markers.map(\.x).filter { usable($0, chart.xAxis) }
        return p
    }

    // MARK: - Layout

    struct Layout {
        var left = 0.0, right = 0.0, top = 0.0, bottom = 0.0
        var height = 0.0
        var legendRows: [[Int]] = []
        var noteLines: [String] = []
        var plotWidth: Double { right - left }
        var plotHeight: Double { bottom - top }
    }

    func legendEntries() -> [Int] {
        chart.series.indices.filter { chart.series[$0].inLegend && !chart.series[$0].name.isEmpty }
    }

    func legendEntryWidth(_ i: Int) -> Double {
        30 + TextMetrics.width(chart.series[i].name, fontSize: smallFont) + 14
    }

    func layout(x: ResolvedAxis, y: ResolvedAxis, notes: [String]) -> Layout {
        var l = Layout()
        let usableWidth = chart.width - 2 * pad
        var rows: [[Int]] = [], row: [Int] = [], rowWidth = 0.0
        for i in legendEntries() {
            let w = legendEntryWidth(i)
            if !row.isEmpty && rowWidth + w > usableWidth { rows.append(row); row = []; rowWidth = 0 }
            row.append(i); rowWidth += w
        }
        if !row.isEmpty { rows.append(row) }
        l.legendRows = rows
        let titleHeight = chart.title.isEmpty ? 0 : TextMetrics.lineHeight(chart.fontSize + 2) + 4
        let legendHeight = rows.isEmpty ? 0 : Double(rows.count) * TextMetrics.lineHeight(smallFont) + 6
        let yLabelWidth = y.ticks.map { TextMetrics.width($0.label, fontSize: tickFont) }.max() ?? 0
        let lastXLabel = x.ticks.last.map { TextMetrics.width($0.label, fontSize: tickFont) } ?? 0
        let firstXLabel = x.ticks.first.map { TextMetrics.width($0.label, fontSize: tickFont) } ?? 0
        l.left = pad + TextMetrics.lineHeight(chart.fontSize) + 6 + yLabelWidth + tickLength + 4
        l.left = max(l.left, pad + firstXLabel / 2)
        l.right = chart.width - max(pad + 4, pad + lastXLabel / 2)
        l.top = pad + titleHeight + legendHeight + tickFont / 2 + 4
        let charsPerLine = max(20, Int(usableWidth / (smallFont * TextMetrics.averageAdvance)))
        l.noteLines = notes.flatMap { ChartRenderer.wrap($0, width: charsPerLine) }
        let below = tickLength + 4 + TextMetrics.lineHeight(tickFont) + 4 + TextMetrics.lineHeight(chart.fontSize)
            + Double(l.noteLines.count) * TextMetrics.lineHeight(smallFont) + pad
        // Never squeeze the plot below 120 px: the picture grows instead of clipping labels.
        l.height = max(chart.height, l.top + 120 + below)
        l.bottom = l.height - below
        return l
    }

    /// Greedy word wrap to at most `width` characters per line.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !current.isEmpty && current.count + 1 + word.count > width { lines.append(current); current = "" }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    // MARK: - Render

    func render() -> String {
        let prepared = prepare()
        let x = chart.xAxis.resolved(for: prepared.xValues)
        let y = chart.yAxis.resolved(for: prepared.yValues, targetTickCount: 6)
        var notes = chart.notes
        let drawable = prepared.points.contains { $0.contains { $0.0.isFinite } }
        if prepared.skipped > 0 {
            notes.append("\(prepared.skipped) value\(prepared.skipped == 1 ? " was" : "s were") not finite (or not positive on a log axis) and left out.")
        }
        let l = layout(x: x, y: y, notes: notes)
        var svg = SVGBuilder()
        let clipID = "\(chart.id)-clip"
        svg.raw("<defs><clipPath id=\"\(clipID)\"><rect x=\"\(NumberText.coordinate(l.left))\" y=\"\(NumberText.coordinate(l.top))\" width=\"\(NumberText.coordinate(l.plotWidth))\" height=\"\(NumberText.coordinate(l.plotHeight))\"/></clipPath></defs>\n")
        if !chart.title.isEmpty {
            svg.text(chart.title, x: pad, y: pad + chart.fontSize + 2, size: chart.fontSize + 2, weight: "bold")
        }
        drawLegend(&svg, l)
        drawAxes(&svg, l, x, y)
        drawSeries(&svg, l, x, y, prepared, clipID: clipID)
        drawMarkers(&svg, l, x)
        if !drawable {
            svg.text("No data", x: (l.left + l.right) / 2, y: (l.top + l.bottom) / 2, size: chart.fontSize + 4,
                     anchor: .middle, fill: ChartPalette.grey)
        }
        var noteY = l.bottom + tickLength + 4 + TextMetrics.lineHeight(tickFont) + 4 + TextMetrics.lineHeight(chart.fontSize)
        for line in l.noteLines {
            noteY += TextMetrics.lineHeight(smallFont)
            svg.text(line, x: pad, y: noteY - 3, size: smallFont, fill: "#444444", italic: true)
        }
        return svg.document(width: chart.width, height: l.height, label: chart.title.isEmpty ? chart.id : chart.title)
    }

    func px(_ axis: ResolvedAxis, _ v: Double, _ l: Layout) -> Double? {
        axis.fraction(v).map { l.left + $0 * l.plotWidth }
    }

    func py(_ axis: ResolvedAxis, _ v: Double, _ l: Layout) -> Double? {
        axis.fraction(v).map { l.bottom - $0 * l.plotHeight }
    }
}
