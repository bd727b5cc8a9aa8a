import Foundation

extension ChartRenderer {
    // MARK: - Axes

    func drawAxes(_ svg: inout SVGBuilder, _ l: Layout, _ x: ResolvedAxis, _ y: ResolvedAxis) {
        let axisColour = "#333333", gridColour = "#E3E3E3"
        // Horizontal grid at the y ticks, then the frame's left and bottom sides.
        for tick in y.ticks {
            guard let yy = py(y, tick.value, l), yy >= l.top - 0.5, yy <= l.bottom + 0.5 else { continue }
            svg.line(l.left, yy, l.right, yy, stroke: gridColour)
            svg.line(l.left - tickLength, yy, l.left, yy, stroke: axisColour)
            svg.text(tick.label, x: l.left - tickLength - 3, y: yy + tickFont * 0.35, size: tickFont, anchor: .end)
        }
        for value in y.minorTicks {
            guard let yy = py(y, value, l), yy >= l.top, yy <= l.bottom else { continue }
            svg.line(l.left - tickLength * 0.6, yy, l.left, yy, stroke: axisColour, width: 0.7)
        }
        svg.line(l.left, l.top, l.left, l.bottom, stroke: axisColour)
        svg.line(l.left, l.bottom, l.right, l.bottom, stroke: axisColour)
        // x ticks: label every k-th one so neighbouring labels keep a gap of at least 8 px.
        let positions = x.ticks.map { px(x, $0.value, l) ?? .nan }
        var every = 1
        while every < x.ticks.count && !labelsFit(x.ticks, positions, every: every) { every += 1 }
        for (i, tick) in x.ticks.enumerated() {
            let xx = positions[i]
            guard xx.isFinite, xx >= l.left - 0.5, xx <= l.right + 0.5 else { continue }
            svg.line(xx, l.bottom, xx, l.bottom + tickLength, stroke: axisColour)
            if i % every == 0 {
                svg.text(tick.label, x: xx, y: l.bottom + tickLength + 3 + tickFont, size: tickFont, anchor: .middle)
            }
        }
        for value in x.minorTicks {
            guard let xx = px(x, value, l), xx >= l.left, xx <= l.right else { continue }
            svg.line(xx, l.bottom, xx, l.bottom + tickLength * 0.6, stroke: axisColour, width: 0.7)
        }
        // Axis titles: x centred under the tick labels, y rotated along the left edge.
        let xTitleY = l.bottom + tickLength + 4 + TextMetrics.lineHeight(tickFont) + 4 + chart.fontSize
        svg.text(chart.xAxis.title, x: (l.left + l.right) / 2, y: xTitleY, size: chart.fontSize, anchor: .middle)
        let yTitleX = pad + chart.fontSize
        svg.text(chart.yAxis.title, x: yTitleX, y: (l.top + l.bottom) / 2, size: chart.fontSize, anchor: .middle, rotate: -90)
    }

    func labelsFit(_ ticks: [AxisTick], _ positions: [Double], every: Int) -> Bool {
        var previous: (Double, Double)?
        for i in stride(from: 0, to: ticks.count, by: every) where positions[i].isFinite {
            let w = TextMetrics.width(ticks[i].label, fontSize: tickFont)
            if let (p, pw) = previous, positions[i] - p < (w + pw) / 2 + 8 { return false }
            previous = (positions[i], w)
        }
        return true
    }

    // MARK: - Series

    func drawSeries(_ svg: inout SVGBuilder, _ l: Layout, _ x: ResolvedAxis, _ y: ResolvedAxis,
                    _ prepared: Prepared, clipID: String) {
        for (index, s) in chart.series.enumerated() {
            let points = prepared.points[index]
            let dash = s.dashed ? ChartSeries.dashPattern : nil
            switch s.kind {
            case .line:
                var subpaths: [[(Double, Double)]] = [[]]
                for (vx, vy) in points {
                    guard let xx = px(x, vx, l), let yy = py(y, vy, l) else {
                        if !(subpaths.last?.isEmpty ?? true) { subpaths.append([]) }
                        continue
                    }
                    subpaths[subpaths.count - 1].append((xx, yy))
                }
                let thinned = subpaths.map { ChartRenderer.thin($0, columns: l.plotWidth) }
                svg.polyline(thinned, stroke: s.colour, width: s.lineWidth, dash: dash, clipID: clipID)
            case .markers:
                for (vx, vy) in points {
                    guard let xx = px(x, vx, l), let yy = py(y, vy, l),
                          xx >= l.left, xx <= l.right, yy >= l.top, yy <= l.bottom else { continue }
                    svg.circle(xx, yy, r: 3, fill: s.colour)
                }
            case .bars:
                let base = y.axis.scale == .linear ? (py(y, max(y.lower, min(0, y.upper)), l) ?? l.bottom) : l.bottom
                svg.raw("<g clip-path=\"url(#\(clipID))\">\n")
                for (i, (edge, value)) in points.enumerated() {
                    guard let x0 = px(x, edge, l), let x1 = px(x, prepared.upperEdges[index][i], l),
                          let top = py(y, value, l) else { continue }
                    let yy = min(top, base), h = abs(base - top)
                    svg.rect(x0, yy, x1 - x0, h, fill: s.colour, stroke: "#FFFFFF", strokeWidth: (x1 - x0) > 4 ? 0.6 : 0)
                }
                svg.raw("</g>\n")
            case .step:
                var path: [(Double, Double)] = []
                for (i, (edge, value)) in points.enumerated() {
                    guard let x0 = px(x, edge, l), let x1 = px(x, prepared.upperEdges[index][i], l),
                          let yy = py(y, value, l) else { continue }
                    path += [(x0, yy), (x1, yy)]
                }
                svg.polyline([path], stroke: s.colour, width: s.lineWidth, dash: dash, clipID: clipID)
            }
        }
    }

    /// Keeps, per pixel column, the first, lowest, highest and last point, so a trace of
    /// 10⁵ samples draws the same envelope with a few thousand vertices.
    static func thin(_ points: [(Double, Double)], columns: Double) -> [(Double, Double)] {
        guard Double(points.count) > 4 * max(columns, 1) else { return points }
        var out: [(Double, Double)] = []
        out.reserveCapacity(Int(4 * columns) + 4)
        var start = 0
        while start < points.count {
            let column = points[start].0.rounded(.down)
            var end = start, lo = start, hi = start
            while end + 1 < points.count && points[end + 1].0.rounded(.down) == column {
                end += 1
                if points[end].1 < points[lo].1 { lo = end }
                if points[end].1 > points[hi].1 { hi = end }
            }
            for i in Set([start, lo, hi, end]).sorted() { out.append(points[i]) }
            start = end + 1
        }
        return out
    }

    // MARK: - Markers and legend

    func drawMarkers(_ svg: inout SVGBuilder, _ l: Layout, _ x: ResolvedAxis) {
        for marker in chart.markers {
            guard let xx = px(x, marker.x, l), xx >= l.left - 0.5, xx <= l.right + 0.5 else { continue }
            svg.line(xx, l.top, xx, l.bottom, stroke: marker.colour, width: 1.2, dash: "3 3")
            let w = TextMetrics.width(marker.label, fontSize: smallFont)
            let fitsRight = xx + 4 + w <= l.right
            svg.text(marker.label, x: fitsRight ? xx + 4 : xx - 4, y: l.top + smallFont + 2, size: smallFont,
                     anchor: fitsRight ? .start : .end, fill: "#333333")
        }
    }

    func drawLegend(_ svg: inout SVGBuilder, _ l: Layout) {
        let titleHeight = chart.title.isEmpty ? 0 : TextMetrics.lineHeight(chart.fontSize + 2) + 4
        var rowY = pad + titleHeight + smallFont + 2
        for row in l.legendRows {
            var xx = pad
            for i in row {
                let s = chart.series[i]
                let midY = rowY - smallFont * 0.35
                if s.kind == .bars {
                    svg.rect(xx + 2, midY - 5, 22, 10, fill: s.colour)
                } else if s.kind == .markers {
                    svg.circle(xx + 13, midY, r: 3, fill: s.colour)
                } else {
                    svg.line(xx, midY, xx + 26, midY, stroke: s.colour, width: max(2, s.lineWidth),
                             dash: s.dashed ? ChartSeries.dashPattern : nil)
                }
                svg.text(s.name, x: xx + 30, y: rowY, size: smallFont)
                xx += legendEntryWidth(i)
            }
            rowY += TextMetrics.lineHeight(smallFont)
        }
    }
}
