import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program for a test with `posix_spawn` and a blocking `waitpid` on its own pid, its
/// output going to files, under a deadline.
///
/// Why not Foundation's `Process`: on Linux its `waitUntilExit` waits for a SIGCHLD that it can
/// miss when the child starts daemons (seen in CI: a `bash -c "su … munged"` zombie never reaped,
/// the test runner waiting forever), and `readDataToEndOfFile` on a pipe waits for every
/// inheritor of the write end. Files plus our own `waitpid` have neither problem, and the
/// deadline turns any hang into a test failure instead of a stalled CI job.
public struct ChildProcess: Sendable {
    public struct Result: Sendable {
        /// Exit status, or 128 + signal number when the child was killed by a signal.
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// True when the deadline passed and the child was killed.
        public var timedOut: Bool
        /// stdout and stderr together, for failure messages.
        public var output: String { stdout + stderr }
    }

    public let pid: pid_t
    let stdoutPath: String
    let stderrPath: String

    /// Starts `executable` (a path, or a name looked up on PATH) with `arguments`, in `directory`,
    /// with the current environment overlaid by `environment`; stdin is /dev/null.
    public static func start(_ executable: String, _ arguments: [String], directory: String? = nil,
                             environment: [String: String] = [:]) throws -> ChildProcess {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        let outPath = scratch.path + ".out", errPath = scratch.path + ".err"
        // `env -C DIR` changes directory without needing posix_spawn_file_actions_addchdir.
        var argv = ["/usr/bin/env"]
        if let directory { argv += ["-C", directory] }
        argv += [executable] + arguments
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Nothing else of the test runner's leaks into the child: a daemon it starts must not
        // hold a pipe of `swift test` (or of CI) open after the tests end.
        if let closeFrom = addCloseFrom { _ = closeFrom(&actions, 3) }

        var pid: pid_t = 0
        let status = withCStrings(argv) { cArgv in
            withCStrings(env) { cEnv in posix_spawn(&pid, "/usr/bin/env", &actions, nil, cArgv, cEnv) }
        }
        guard status == 0 else {
            throw NSError(domain: "ChildProcess", code: Int(status),
                          userInfo: [NSLocalizedDescriptionKey: "posix_spawn \(executable): \(String(cString: strerror(status)))"])
        }
        return ChildProcess(pid: pid, stdoutPath: outPath, stderrPath: errPath)
    }

    /// Runs to completion (or `timeout` seconds, then SIGKILL) and returns what it printed.
    public static func run(_ executable: String, _ arguments: [String], directory: String? = nil,
                           environment: [String: String] = [:], timeout: Double = 300) throws -> Result {
        try start(executable, arguments, directory: directory, environment: environment).wait(timeout: timeout)
    }

    /// Sends a signal (e.g. SIGINT to interrupt a run).
    public func signal(_ number: Int32) { kill(pid, number) }

    /// Waits for the child; kills it after `timeout` seconds.
    public func wait(timeout: Double = 300) -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        var raw: Int32 = 0
        var timedOut = false
        while true {
            let r = waitpid(pid, &raw, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { raw = 0x7f00; break }  // not our child any more: report 127
            if Date() > deadline {
                timedOut = true
                kill(pid, SIGKILL)
                while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
                break
            }
            usleep(5_000)
        }
        let signalNumber = raw & 0x7f
        let status = signalNumber == 0 ? (raw >> 8) & 0xff : 128 + signalNumber
        defer {
            unlink(stdoutPath)
            unlink(stderrPath)
        }
        func read(_ path: String) -> String {
            (try? String(contentsOfFile: path, encoding: .utf8)) ?? String(decoding: (FileManager.default.contents(atPath: path) ?? Data()), as: UTF8.self)
        }
        return Result(status: status, stdout: read(stdoutPath), stderr: read(stderrPath), timedOut: timedOut)
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time because
/// Swift's Glibc module does not export this GNU extension.
private let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// Calls `body` with a NULL-terminated C array of the strings (valid only inside `body`).
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}
