import Foundation

/// Renders a `RecordingReport` as one self-contained HTML page (inline SVG and CSS, no script).
///
/// Every section heading is always present, in the order of `sectionHeadings`; a section the
/// report does not hold says so in one line, so readers can tell "not computed" from "missing".
public enum RecordingPage {
    /// Section headings, in page order (anchors are derived from them).
    public static let sectionHeadings = [
        "Summary", "Trace excerpt", "Amplitude histogram", "Dwell-time histograms", "Fitted scheme",
        "Rate constants", "Fit quality", "SSA fit loss", "Truth vs fit", "Warnings and notes",
        "Settings and reproducibility",
    ]

    /// The page for `report`. Same report → byte-identical text.
    public static func html(_ report: RecordingReport) -> String {
        var body = "<h1>\(HTMLText.escape(report.title))</h1>\n<nav>"
        for heading in sectionHeadings { body += "<a href=\"#\(anchor(heading))\">\(HTMLText.escape(heading))</a>" }
        body += "</nav>\n"
        body += section("Summary", summary(report))
        body += section("Trace excerpt", report.trace.map { chart(ReportCharts.trace($0).svg()) } ?? absent("No trace excerpt in this run."))
        body += section("Amplitude histogram", report.amplitudeHistogram.map { chart(ReportCharts.amplitude($0).svg()) }
                        ?? absent("No amplitude histogram in this run."))
        body += section("Dwell-time histograms", dwellCharts(report.dwellHistograms))
        body += section("Fitted scheme", report.scheme.map { chart(SchemeDiagramRenderer(diagram: $0).svg()) }
                        ?? absent("No scheme was fitted."))
        body += section("Rate constants", ratesTable(report.rates))
        body += section("Fit quality", fitQuality(report.fitQuality))
        body += section("SSA fit loss", report.lossCurve.map { chart(ReportCharts.loss($0).svg()) }
                        ?? absent("No differentiable-SSA fit in this run."))
        body += section("Truth vs fit", truthTable(report.truthComparison))
        body += section("Warnings and notes", notes(report.notes))
        body += section("Settings and reproducibility", settings(report))
        return HTMLText.page(title: report.title, body: body)
    }

    // MARK: - Building blocks

    static func anchor(_ heading: String) -> String {
        String(heading.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    static func section(_ heading: String, _ content: String) -> String {
        "<section id=\"\(anchor(heading))\">\n<h2>\(HTMLText.escape(heading))</h2>\n\(content)</section>\n"
    }

    static func absent(_ text: String) -> String {
        "<p class=\"absent\">\(HTMLText.escape(text))</p>\n"
    }

    static func chart(_ svg: String) -> String {
        "<div class=\"chart\">\n\(svg)</div>\n"
    }

    static func optional(_ x: Double?, _ format: (Double) -> String) -> String {
        x.map(format) ?? "—"
    }

    // MARK: - Sections

    static func summary(_ report: RecordingReport) -> String {
        let ok = report.status.outcome == .ok
        var out = "<p>Status: <span class=\"\(ok ? "status-ok" : "status-failed")\">\(ok ? "ok" : "failed")</span>"
        if !report.status.message.isEmpty { out += " — \(HTMLText.escape(report.status.message))" }
        out += "</p>\n"
        var rows: [[String]] = [["Input file", report.input.path]]
        rows.append(["SHA-256", report.input.sha256.isEmpty ? "—" : report.input.sha256])
        if let bytes = report.input.bytes { rows.append(["Size", "\(bytes) bytes"]) }
        if let popen = report.popen { rows.append(["Popen (observed)", NumberText.fixed(popen, decimals: 4)]) }
        if let ll = report.fitQuality?.logLikelihood { rows.append(["Log-likelihood", NumberText.fixed(ll, decimals: 2)]) }
        let r2 = report.dwellHistograms.compactMap { h in h.rSquared.map { (h.title, $0) } }
        for (title, value) in r2 { rows.append(["R², \(title)", NumberText.fixed(value, decimals: 3)]) }
        if let generated = report.generated { rows.append(["Generated", generated]) }
        return out + HTMLText.table(header: ["Item", "Value"], rows: rows)
    }

    static func dwellCharts(_ histograms: [DwellHistogram]) -> String {
        guard !histograms.isEmpty else { return absent("No dwell-time histograms (no idealised dwells).") }
        var out = "<p>Log-binned histograms on a √(count) axis. Dashed: ideal pdf; solid: pdf corrected for missed events at the resolution t_res (dotted line).</p>\n<div class=\"charts\">\n"
        for (i, h) in histograms.enumerated() {
            out += ReportCharts.dwell(h, id: "dwell-\(i + 1)").svg()
        }
        return out + "</div>\n"
    }

    static func ratesTable(_ rates: [RateRow]) -> String {
        guard !rates.isEmpty else { return absent("No rate constants (no fit in this run).") }
        let hasTruth = rates.contains { $0.truth != nil || $0.errorPercent != nil }
        var header = ["Rate", "Value", "SD", "Unit"]
        if hasTruth { header += ["Truth", "Error (%)"] }
        let rows = rates.map { r -> [String] in
            var row = [r.name, NumberText.significant(r.value, digits: 4), optional(r.sd) { NumberText.significant($0, digits: 2) }, r.unit]
            if hasTruth {
                row += [optional(r.truth) { NumberText.significant($0, digits: 4) }, optional(r.errorPercent) { NumberText.fixed($0, decimals: 1) }]
            }
            return row
        }
        return HTMLText.table(header: header, rows: rows, numeric: hasTruth ? [1, 2, 4, 5] : [1, 2])
    }

    static func fitQuality(_ quality: FitQuality?) -> String {
        guard let q = quality else { return absent("No fit-quality figures (no fit in this run).") }
        var rows: [[String]] = [["Route", q.route]]
        rows.append(["Log-likelihood", optional(q.logLikelihood) { NumberText.fixed($0, decimals: 2) }])
        // Three decimals, five where both round to 1.000 (window means of a good fit: 0.9999…).
        for r2 in q.rSquared {
            let ceiling = q.rSquaredCeiling.first(where: { $0.label == r2.label })
            let decimals = min(r2.value, ceiling?.value ?? r2.value) > 0.9995 ? 5 : 3
            var text = NumberText.fixed(r2.value, decimals: decimals)
            if let ceiling {
                text += " (a perfect model: \(NumberText.fixed(ceiling.value, decimals: decimals)))"
            }
            rows.append(["R², \(r2.label)", text])
        }
        rows.append(["Iterations", q.iterations.map(String.init) ?? "—"])
        rows.append(["Wall time", optional(q.wallTime) { NumberText.duration($0) }])
        return HTMLText.table(header: ["Measure", "Value"], rows: rows, numeric: [1])
    }

    static func truthTable(_ rows: [TruthRow]) -> String {
        guard !rows.isEmpty else { return absent("Not a synthetic run: no known truth to compare with.") }
        return HTMLText.table(header: ["Quantity", "Truth", "Fit", "Unit", "Error (%)"], rows: rows.map {
            [$0.quantity, NumberText.significant($0.truth, digits: 4), NumberText.significant($0.fit, digits: 4), $0.unit,
             optional($0.errorPercent) { NumberText.fixed($0, decimals: 1) }]
        }, numeric: [1, 2, 4])
    }

    static func notes(_ notes: [ReportNote]) -> String {
        guard !notes.isEmpty else { return absent("No warnings.") }
        var out = "<ul class=\"notes\">\n"
        for note in notes {
            out += "<li class=\"\(note.level.rawValue)\">\(note.level == .warning ? "<strong>Warning:</strong> " : "")\(HTMLText.escape(note.text))</li>\n"
        }
        return out + "</ul>\n"
    }

    static func settings(_ report: RecordingReport) -> String {
        var out = "<p>Input <code>\(HTMLText.escape(report.input.path))</code>, SHA-256 <code>\(HTMLText.escape(report.input.sha256.isEmpty ? "unknown" : report.input.sha256))</code>.</p>\n"
        if report.settings.isEmpty { return out + absent("No settings recorded.") }
        out += HTMLText.table(header: ["Setting", "Value"], rows: report.settings.map { [$0.key, $0.value] })
        out += "<p>Machine-readable: <a href=\"summary.json\">summary.json</a>, <a href=\"rates.csv\">rates.csv</a>, <a href=\"histograms.csv\">histograms.csv</a>.</p>\n"
        return out
    }
}
