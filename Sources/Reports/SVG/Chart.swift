import Foundation

/// One data series of a chart.
public struct ChartSeries: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Points joined in order; a non-finite point breaks the line.
        case line
        /// Histogram bars: `x` holds `y.count + 1` bin edges, `y` the heights.
        case bars
        /// A histogram outline: `x` holds `y.count + 1` edges, drawn as a staircase.
        case step
        /// A dot at each point.
        case markers
    }

    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var kind: Kind
    public var colour: String
    public var dashed: Bool
    public var lineWidth: Double
    /// Whether the series gets a legend entry.
    public var inLegend: Bool

    public init(name: String, x: [Double], y: [Double], kind: Kind = .line, colour: String = ChartPalette.blue,
                dashed: Bool = false, lineWidth: Double = 1.5, inLegend: Bool = true) {
        self.name = name
        self.x = x
        self.y = y
        self.kind = kind
        self.colour = colour
        self.dashed = dashed
        self.lineWidth = lineWidth
        self.inLegend = inLegend
    }

    /// The dash pattern used for dashed series.
    static let dashPattern = "6 4"
}

/// A vertical line across the plot at `x`, labelled at its top (e.g. the resolution t_res).
public struct ChartMarker: Sendable, Equatable {
    public var x: Double
    public var label: String
    public var colour: String

    public init(x: Double, label: String, colour: String = ChartPalette.grey) {
        self.x = x
        self.label = label
        self.colour = colour
    }
}

/// An x–y chart rendered to a standalone `<svg>` element.
///
/// Degenerate input never crashes and never writes NaN: non-finite points (and points ≤ 0 on
/// a log axis) are left out and counted in a note under the chart; a chart with nothing to
/// draw shows its axes, "No data" and the caller's notes.
public struct Chart: Sendable, Equatable {
    /// Unique within one HTML page (clip-path ids derive from it); letters, digits and '-'.
    public var id: String
    public var title: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [ChartSeries]
    public var markers: [ChartMarker]
    /// Lines of small italic text under the chart (wrapped to the chart width).
    public var notes: [String]
    public var width: Double
    public var height: Double
    public var fontSize: Double

    public init(id: String, title: String, xAxis: Axis, yAxis: Axis, series: [ChartSeries] = [],
                markers: [ChartMarker] = [], notes: [String] = [], width: Double = 600, height: Double = 360,
                fontSize: Double = 13) {
        self.id = id
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.markers = markers
        self.notes = notes
        self.width = width
        self.height = height
        self.fontSize = fontSize
    }

    /// The chart as an `<svg>` element. Same chart → byte-identical text.
    public func svg() -> String {
        ChartRenderer(chart: self).render()
    }
}
