import Foundation

/// Renders a `BatchIndex` as one HTML page: a table of recordings with links to their
/// reports, then the failed files and why.
public enum BatchPage {
    /// The page for `index`. Same index → byte-identical text.
    public static func html(_ index: BatchIndex) -> String {
        let failedRows = index.recordings.filter { $0.status == .failed }.count
        var body = "<h1>\(HTMLText.escape(index.title))</h1>\n"
        body += "<p>\(index.recordings.count) recording\(index.recordings.count == 1 ? "" : "s"): "
        body += "\(index.recordings.count - failedRows) ok, \(failedRows) failed. "
        switch index.failures.count {
        case 0: body += "Every file was processed.</p>\n"
        case let n: body += "\(n) file\(n == 1 ? "" : "s") could not be processed (listed below).</p>\n"
        }
        body += "<h2>Recordings</h2>\n"
        if index.recordings.isEmpty {
            body += "<p class=\"absent\">No recordings in this batch.</p>\n"
        } else {
            body += "<table class=\"data\">\n<thead><tr><th>Recording</th><th>Status</th><th class=\"num\">Popen</th><th class=\"num\">Worst R²</th><th>Report</th></tr></thead>\n<tbody>\n"
            for row in index.recordings {
                let ok = row.status == .ok
                body += "<tr><td>\(HTMLText.escape(row.name))</td>"
                body += "<td class=\"\(ok ? "status-ok" : "status-failed")\">\(ok ? "ok" : "failed")</td>"
                body += "<td class=\"num\">\(row.popen.map { NumberText.fixed($0, decimals: 4) } ?? "—")</td>"
                body += "<td class=\"num\">\(row.worstRSquared.map { NumberText.fixed($0, decimals: 3) } ?? "—")</td>"
                if let folder = row.reportFolder {
                    let href = folder.hasSuffix("/") ? folder + "index.html" : folder + "/index.html"
                    body += "<td><a href=\"\(HTMLText.escape(percentEncoded(href)))\">report</a></td>"
                } else {
                    body += "<td>—</td>"
                }
                body += "</tr>\n"
            }
            body += "</tbody>\n</table>\n"
        }
        body += "<h2>Failed files</h2>\n"
        if index.failures.isEmpty {
            body += "<p class=\"absent\">None: every file was processed.</p>\n"
        } else {
            body += HTMLText.table(header: ["File", "Why it failed"], rows: index.failures.map { [$0.file, $0.reason] }, className: "data failures")
        }
        if !index.settings.isEmpty {
            body += "<h2>Settings</h2>\n" + HTMLText.table(header: ["Setting", "Value"], rows: index.settings.map { [$0.key, $0.value] })
        }
        if let generated = index.generated { body += "<p>Generated: \(HTMLText.escape(generated))</p>\n" }
        return HTMLText.page(title: index.title, body: body)
    }

    /// Percent-encodes characters that would break a relative link (spaces, #, ?, %).
    static func percentEncoded(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "#?%")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }
}
