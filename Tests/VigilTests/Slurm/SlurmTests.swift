import Foundation
import JSONSchema
import Testing
import Vigil

/// The demo as a real Slurm array (`sbatch --array=0-3` of jobs/examples/slurm-array.sbatch)
/// on a one-node Slurm started on this machine, then `vigil merge`.
@Suite(
    .serialized,
    .enabled(
        if: Slurm.canStart || ProcessInfo.processInfo.environment["CI"] == "true",
        "needs Slurm and root to start it (.ci/run installs slurm-wlm and munge)"))
struct SlurmTests {
    static let scripts = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Slurm")

    @Test func theDemoAsASlurmArrayMergesEveryItemOnce() throws {
        let up = try TestEnvironment.run(
            URL(fileURLWithPath: "/bin/bash"), [Self.scripts.appendingPathComponent("slurm-up.sh").path])
        try #require(up.status == 0, "Slurm could not be started here: \(up.standardOutput) \(up.standardError)")
        defer {
            if up.standardOutput.contains("started") {
                _ = try? TestEnvironment.run(
                    URL(fileURLWithPath: "/bin/bash"), [Self.scripts.appendingPathComponent("slurm-down.sh").path])
            }
        }
        let jobs = try TestEnvironment.jobsCopy()
        // --time bounds each task in Slurm itself; the wait is bounded too, and a wait that
        // runs out says what Slurm was doing (a task that never left PENDING, say).
        let submit: TestEnvironment.Outcome
        do {
            submit = try TestEnvironment.run(
                URL(fileURLWithPath: "/usr/bin/sbatch"),
                [
                    "--wait", "--time=5", "--export=ALL,VIGIL=\(TestEnvironment.vigil.path)",
                    "examples/slurm-array.sbatch",
                ],
                currentDirectory: jobs, timeout: 300)
        } catch {
            let queue = try? TestEnvironment.run(
                URL(fileURLWithPath: "/usr/bin/squeue"), ["-h", "-o", "%i %T %R"], timeout: 10)
            let node = try? TestEnvironment.run(
                URL(fileURLWithPath: "/usr/bin/sinfo"), ["-h", "-N", "-o", "%N %T %E"], timeout: 10)
            _ = try? TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/scancel"), ["--name=vigil-demo"], timeout: 10)
            throw TestFailure(
                "\(error); squeue: \(queue?.standardOutput ?? "?"); sinfo: \(node?.standardOutput ?? "?")")
        }
        #expect(submit.status == 0, "\(submit.standardOutput) \(submit.standardError)")
        let jobID = try #require(
            submit.standardOutput.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        let run = jobs.deletingLastPathComponent().appendingPathComponent("runs/demo-dwc/slurm-\(jobID)")
        #expect(
            ShardMerge.shardFolders(of: run).count == 4,
            "\(run.path): \((try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? [])")
        let merge = try TestEnvironment.run(TestEnvironment.vigil, ["merge", run.path])
        #expect(merge.status == 0, "\(merge.standardError)")
        #expect(merge.standardError.contains("merged 4 shards"))
        let manifest = try JSONParser().parse(
            String(contentsOf: run.appendingPathComponent("manifest.json"), encoding: .utf8))
        #expect(
            manifest["counts"]?["total"] == 24 && manifest["counts"]?["succeeded"] == 21
                && manifest["counts"]?["failed"] == 3)
        let ids = try ["results.jsonl", "failed.jsonl"].flatMap { name in
            try String(contentsOf: run.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map {
                try JSONParser().parse(String($0))["id"]?.stringValue ?? ""
            }
        }
        #expect(ids.count == 24 && Set(ids).count == 24)
    }
}

/// Whether Slurm can be started here (CI installs it and always runs the test).
enum Slurm {
    /// Slurm's commands are here, and this process may start its daemons.
    static let canStart = FileManager.default.isExecutableFile(atPath: "/usr/bin/sbatch") && getuid() == 0
}
