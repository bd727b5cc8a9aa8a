import Foundation

/// Small helpers for writing HTML as text: escaping, tables, the page shell with inline CSS.
public enum HTMLText {
    /// Escapes text for HTML element content and attribute values.
    public static func escape(_ text: String) -> String {
        SVGBuilder.escape(text)
    }

    /// A `<table>` with a header row; cells are escaped. Rows shorter than the header are
    /// padded with empty cells. `numeric` marks columns to right-align.
    public static func table(header: [String], rows: [[String]], numeric: Set<Int> = [], className: String = "data") -> String {
        var out = "<table class=\"\(className)\">\n<thead><tr>"
        for (i, h) in header.enumerated() { out += "<th\(numeric.contains(i) ? " class=\"num\"" : "")>\(escape(h))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for i in 0..<max(header.count, row.count) {
                let cell = i < row.count ? row[i] : ""
                out += "<td\(numeric.contains(i) ? " class=\"num\"" : "")>\(escape(cell))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// A complete HTML document: inline CSS, no scripts, no external assets.
    public static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// The stylesheet shared by recording and batch pages.
    static let css = """
    body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1a1a1a; background: #ffffff;
           max-width: 1220px; margin: 0 auto; padding: 16px 20px 40px; line-height: 1.4; }
    h1 { font-size: 1.6em; margin: 0.2em 0 0.4em; }
    h2 { font-size: 1.25em; margin: 1.6em 0 0.5em; padding-bottom: 0.2em; border-bottom: 2px solid #0072B2; }
    h3 { font-size: 1.05em; margin: 1em 0 0.3em; }
    table { border-collapse: collapse; margin: 0.4em 0 0.8em; font-size: 0.92em; }
    th, td { border: 1px solid #c8c8c8; padding: 4px 10px; text-align: left; vertical-align: top; }
    th { background: #eef3f8; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    code, .mono { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 0.9em; word-break: break-all; }
    .status-ok { color: #006b4f; font-weight: bold; }
    .status-failed { color: #b34700; font-weight: bold; }
    .absent { color: #666666; font-style: italic; }
    .charts { display: flex; flex-wrap: wrap; gap: 16px; }
    .charts svg, .chart svg { max-width: 100%; height: auto; border: 1px solid #e0e0e0; }
    .notes li.warning { color: #8a3b00; }
    nav { font-size: 0.9em; margin-bottom: 0.6em; }
    nav a { margin-right: 0.8em; color: #0072B2; }
    """
}
