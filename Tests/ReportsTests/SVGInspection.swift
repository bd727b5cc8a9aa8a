import Foundation
import Reports
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// Parses SVG text with Foundation's XMLParser and collects what a reader would see.
final class SVGInspection: NSObject, XMLParserDelegate {
    /// Text of every <text> element, in document order.
    private(set) var texts: [String] = []
    /// Element names, in document order.
    private(set) var elements: [String] = []
    /// Every attribute value seen.
    private(set) var attributeValues: [String] = []
    /// Attributes of every <text> element, parallel to `texts`.
    private(set) var textAttributes: [[String: String]] = []
    /// Attributes of every <rect> element.
    private(set) var rects: [[String: String]] = []
    private var inText = false
    private var current = ""
    private(set) var parseError: Error?

    /// Parses `svg`; fails the test (and returns nil) if it is not well-formed XML.
    static func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> SVGInspection? {
        let inspection = SVGInspection()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = inspection
        let ok = parser.parse()
        XCTAssertTrue(ok, "SVG is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
        return ok ? inspection : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append(name)
        attributeValues += attributes.keys.sorted().compactMap { attributes[$0] }
        if name == "text" { inText = true; current = ""; textAttributes.append(attributes) }
        if name == "rect" { rects.append(attributes) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current); inText = false }
    }

    func count(of element: String) -> Int { elements.filter { $0 == element }.count }
}

/// The `<svg>…</svg>` elements inlined in an HTML page.
func inlineSVGs(in html: String) -> [String] {
    var result: [String] = []
    var rest = html[...]
    while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
        result.append(String(rest[start.lowerBound..<end.upperBound]))
        rest = rest[end.upperBound...]
    }
    return result
}

/// Approximate page box of a <text> element (same width rule as the renderer, height = size).
struct TextBox {
    var label: String
    var minX, maxX, minY, maxY: Double

    init?(_ label: String, _ a: [String: String]) {
        guard a["transform"] == nil, let x = a["x"].flatMap(Double.init), let y = a["y"].flatMap(Double.init),
              let size = a["font-size"].flatMap(Double.init) else { return nil }
        let width = TextMetrics.width(label, fontSize: size)
        switch a["text-anchor"] {
        case "middle": (minX, maxX) = (x - width / 2, x + width / 2)
        case "end": (minX, maxX) = (x - width, x)
        default: (minX, maxX) = (x, x + width)
        }
        (minY, maxY) = (y - size * 0.8, y + size * 0.2)
        self.label = label
    }

    func overlaps(_ o: TextBox) -> Bool {
        minX < o.maxX && o.minX < maxX && minY < o.maxY && o.minY < maxY
    }
}
