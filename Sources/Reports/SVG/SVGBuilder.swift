import Foundation

/// Accumulates SVG elements as text. Coordinates go through `NumberText.coordinate`, text
/// through `SVGBuilder.escape`, so the output is valid XML and byte-stable.
public struct SVGBuilder: Sendable {
    public private(set) var body = ""

    public init() {}

    // MARK: - Escaping

    /// Escapes `& < > " '` for XML text and attribute values; drops control characters
    /// that XML 1.0 forbids.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    private static func c(_ x: Double) -> String { NumberText.coordinate(x) }

    // MARK: - Elements

    public mutating func raw(_ text: String) { body += text }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                              stroke: String, width: Double = 1, dash: String? = nil) {
        body += "<line x1=\"\(Self.c(x1))\" y1=\"\(Self.c(y1))\" x2=\"\(Self.c(x2))\" y2=\"\(Self.c(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.c(width))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>\n"
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String,
                              stroke: String? = nil, strokeWidth: Double = 1, radius: Double = 0) {
        body += "<rect x=\"\(Self.c(x))\" y=\"\(Self.c(y))\" width=\"\(Self.c(max(0, w)))\" height=\"\(Self.c(max(0, h)))\""
        if radius > 0 { body += " rx=\"\(Self.c(radius))\"" }
        body += " fill=\"\(fill)\""
        if let stroke { body += " stroke=\"\(stroke)\" stroke-width=\"\(Self.c(strokeWidth))\"" }
        body += "/>\n"
    }

    public mutating func circle(_ cx: Double, _ cy: Double, r: Double, fill: String, stroke: String? = nil, strokeWidth: Double = 1) {
        body += "<circle cx=\"\(Self.c(cx))\" cy=\"\(Self.c(cy))\" r=\"\(Self.c(r))\" fill=\"\(fill)\""
        if let stroke { body += " stroke=\"\(stroke)\" stroke-width=\"\(Self.c(strokeWidth))\"" }
        body += "/>\n"
    }

    /// A path from subpaths of points (each subpath starts with M); empty subpaths are skipped.
    public mutating func polyline(_ subpaths: [[(Double, Double)]], stroke: String, width: Double,
                                  dash: String? = nil, clipID: String? = nil) {
        var d = ""
        for points in subpaths where !points.isEmpty {
            for (i, p) in points.enumerated() {
                d += (i == 0 ? (d.isEmpty ? "M" : " M") : " L") + Self.c(p.0) + " " + Self.c(p.1)
            }
        }
        guard !d.isEmpty else { return }
        body += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.c(width))\" stroke-linejoin=\"round\""
        if let dash { body += " stroke-dasharray=\"\(dash)\"" }
        if let clipID { body += " clip-path=\"url(#\(clipID))\"" }
        body += "/>\n"
    }

    /// A filled path given as raw path data (built with coordinates from `NumberText`).
    public mutating func path(_ d: String, fill: String, stroke: String? = nil, width: Double = 1) {
        body += "<path d=\"\(d)\" fill=\"\(fill)\""
        if let stroke { body += " stroke=\"\(stroke)\" stroke-width=\"\(Self.c(width))\"" }
        body += "/>\n"
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    /// Text whose baseline sits at `y`; `rotate` turns it about (x, y) in degrees.
    public mutating func text(_ string: String, x: Double, y: Double, size: Double, anchor: Anchor = .start,
                              fill: String = ChartPalette.black, weight: String? = nil, italic: Bool = false,
                              rotate: Double? = nil) {
        body += "<text x=\"\(Self.c(x))\" y=\"\(Self.c(y))\" font-size=\"\(Self.c(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\""
        if let weight { body += " font-weight=\"\(weight)\"" }
        if italic { body += " font-style=\"italic\"" }
        if let rotate { body += " transform=\"rotate(\(Self.c(rotate)) \(Self.c(x)) \(Self.c(y)))\"" }
        body += ">\(Self.escape(string))</text>\n"
    }

    // MARK: - Document

    /// The finished `<svg>` element (no XML prolog, so it can be inlined in HTML).
    /// `label` becomes the accessible title.
    public func document(width: Double, height: Double, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.c(width))\" height=\"\(Self.c(height))\" viewBox=\"0 0 \(Self.c(width)) \(Self.c(height))\" font-family=\"\(ChartPalette.fontFamily)\" role=\"img\" aria-label=\"\(Self.escape(label))\">\n<title>\(Self.escape(label))</title>\n<rect x=\"0\" y=\"0\" width=\"\(Self.c(width))\" height=\"\(Self.c(height))\" fill=\"#FFFFFF\"/>\n" + body + "</svg>\n"
    }
}
