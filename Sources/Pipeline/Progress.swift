import Foundation

/// Progress for long runs: a live line on a terminal (files done, current stage, ETA), and
/// nothing at all when standard error is not a terminal (logs, CI, Slurm), so logs stay clean.
public final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private var done = 0
    private var failed = 0
    private let start = Date()
    private let enabled: Bool
    private var lastDraw = Date.distantPast

    public init(total: Int, enabled: Bool = isatty(STDERR_FILENO) != 0) {
        self.total = total
        self.enabled = enabled
    }

    /// Notes a stage starting or an iteration count for a file; redrawn at most 10× a second.
    public func update(_ file: String, _ activity: String) {
        lock.lock()
        defer { lock.unlock() }
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        draw("\(URL(fileURLWithPath: file).lastPathComponent): \(activity)")
    }

    public func finished(_ file: String, ok: Bool) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if !ok { failed += 1 }
        if enabled { draw("\(URL(fileURLWithPath: file).lastPathComponent) \(ok ? "done" : "FAILED")") }
        if enabled && done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func draw(_ what: String) {
        let elapsed = Date().timeIntervalSince(start)
        var eta = ""
        if done > 0, done < total { eta = String(format: ", ETA %.0f s", elapsed / Double(done) * Double(total - done)) }
        let line = "\r\u{1B}[K[\(done)/\(total)\(failed > 0 ? ", \(failed) failed" : "")\(eta)] \(what)"
        FileHandle.standardError.write(Data(line.prefix(200).utf8))
    }
}
