import Foundation
import PatchFitTestSupport
import XCTest

/// Scale-out for real: starts a single-node Slurm on this machine (ARCHITECTURE.md §6 recipe,
/// REFERENCE.md §6), submits the script `patchfit slurm` writes, waits for the array and the
/// merge, and checks that the batch index equals a local run's.
final class SlurmClusterTests: XCTestCase {
    var scratch: URL!
    var daemons: [String] = []  // PID files of the daemons this test started

    /// Runs a shell command (2-minute deadline) and returns its status and output. Daemons
    /// started through it redirect their own output to files.
    func shell(_ command: String, environment: [String: String] = [:], timeout: Double = 120) throws -> (status: Int32, output: String) {
        let r = try ChildProcess.run("/bin/bash", ["-c", command], directory: CLI.packageRoot.path,
                                     environment: environment, timeout: timeout)
        return (r.status, r.output + (r.timedOut ? "\n(killed after \(Int(timeout)) s: `\(command)`)" : ""))
    }

    override func tearDownWithError() throws {
        for pidFile in daemons {
            if let pid = try? String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), let n = Int32(pid) {
                kill(n, SIGTERM)
                // Let the daemon exit before its state folder goes (at most 10 s).
                for _ in 0..<100 where kill(n, 0) == 0 { usleep(100_000) }
            }
        }
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func testSlurmArrayRunAndMergeEqualALocalRun() throws {
        guard getuid() == 0 else { throw XCTSkip("starting slurmctld/slurmd needs root (CI runs as root)") }
        for tool in ["slurmctld", "slurmd", "sbatch", "munged"] {
            let found = try shell("command -v \(tool)")
            XCTAssertEqual(found.status, 0, "\(tool) missing: scripts/install-deps.sh --test installs slurm-wlm and munge")
            if found.status != 0 { return }
        }
        scratch = URL(fileURLWithPath: "/tmp/patchfit-slurm-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)

        // munge (authentication), as REFERENCE.md §6 describes.
        _ = try shell("mkdir -p /run/munge && chown munge:munge /run/munge && chown -R munge:munge /var/log/munge /var/lib/munge /etc/munge")
        if try shell("munge -n | unmunge").status != 0 {
            let started = try shell("su -s /bin/sh munge -c 'munged --force' > /dev/null 2>&1")
            XCTAssertEqual(started.status, 0, started.output)
        }
        XCTAssertEqual(try shell("munge -n | unmunge").status, 0, "munge does not work")

        // A one-node cluster with its state under the scratch folder.
        let host = try shell("hostname -s").output.trimmingCharacters(in: .whitespacesAndNewlines)
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        let memory = max(1024, Int(ProcessInfo.processInfo.physicalMemory / 1_048_576) - 1024)
        let s = scratch.path
        let conf = """
            ClusterName=patchfit-test
            SlurmctldHost=\(host)
            AuthType=auth/munge
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            StateSaveLocation=\(s)/state
            SlurmdSpoolDir=\(s)/spool
            SlurmctldLogFile=\(s)/slurmctld.log
            SlurmdLogFile=\(s)/slurmd.log
            SlurmctldPidFile=\(s)/slurmctld.pid
            SlurmdPidFile=\(s)/slurmd.pid
            SlurmctldPort=16817
            SlurmdPort=16818
            SlurmUser=root
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            ReturnToService=2
            NodeName=\(host) CPUs=\(cpus) RealMemory=\(memory) State=UNKNOWN
            PartitionName=debug Nodes=\(host) Default=YES MaxTime=INFINITE State=UP

            """
        try FileManager.default.createDirectory(atPath: s + "/state", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: s + "/spool", withIntermediateDirectories: true)
        try conf.write(toFile: s + "/slurm.conf", atomically: true, encoding: .utf8)
        let env = ["SLURM_CONF": s + "/slurm.conf"]
        daemons = [s + "/slurmctld.pid", s + "/slurmd.pid"]
        let ctld = try shell("slurmctld -f \(s)/slurm.conf > \(s)/slurmctld.out 2>&1", environment: env)
        XCTAssertEqual(ctld.status, 0, ctld.output)
        let d = try shell("slurmd -f \(s)/slurm.conf > \(s)/slurmd.out 2>&1", environment: env)
        XCTAssertEqual(d.status, 0, d.output)
        var idle = false
        for _ in 0..<60 where !idle {
            idle = try shell("sinfo -h -o %t", environment: env).output.contains("idle")
            if !idle { sleep(1) }
        }
        XCTAssertTrue(idle, "the node never became idle: " + ((try? String(contentsOfFile: s + "/slurmctld.log", encoding: .utf8)) ?? ""))
        guard idle else { return }

        // The batch: three records, idealised (no fit, to keep the test short).
        let batch = scratch.appendingPathComponent("batch")
        try FileManager.default.createDirectory(at: batch, withIntermediateDirectories: true)
        for k in 1...3 {
            try FileManager.default.copyItem(at: CLI.packageRoot.appendingPathComponent("Data/lab-batch/cco-1uM-cell2.nwb"),
                                             to: batch.appendingPathComponent("cell\(k).nwb"))
        }
        func pipeline(_ output: String) throws -> String {
            let path = s + "/\(output).yaml"
            try """
                name: cluster
                output: \(s)/\(output)
                inputs: [\(batch.path)]
                condition: {acquisition_filter_hz: 5000}
                idealise: {method: skm, levels: 2, resolution: 60e-6}

                """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let local = try pipeline("local"), cluster = try pipeline("cluster")
        XCTAssertEqual(try CLI.run(["run", local, "--quiet"]).status, 0)
        let script = s + "/submit.sh"
        let wrote = try CLI.run(["slurm", cluster, "--shards", "2", "--out", script])
        XCTAssertEqual(wrote.status, 0, wrote.stderr)
        let submitted = try shell("bash \(script)", environment: env)
        XCTAssertEqual(submitted.status, 0, submitted.output)

        let index = s + "/cluster/index.json"
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline {
            let queue = try shell("squeue -h", environment: env).output.trimmingCharacters(in: .whitespacesAndNewlines)
            if queue.isEmpty && FileManager.default.fileExists(atPath: index) { break }
            sleep(1)
        }
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: s + "/cluster/slurm-logs")) ?? []
        XCTAssertEqual(Set(logs), ["shard-0.out", "shard-1.out", "merge.out"])
        XCTAssertEqual(try? Data(contentsOf: URL(fileURLWithPath: index)),
                       try? Data(contentsOf: URL(fileURLWithPath: s + "/local/index.json")),
                       "cluster index differs from the local run's")
        for k in 1...3 {
            let name = "cell\(k)/summary.json"
            XCTAssertEqual(try? Data(contentsOf: URL(fileURLWithPath: s + "/cluster/" + name)),
                           try? Data(contentsOf: URL(fileURLWithPath: s + "/local/" + name)), name)
        }
    }
}
