import Foundation
import JSONSchema
import TestSupport
import Testing
import Vigil

/// A run in shards, as a scheduler runs it: four `vigil run --shard auto` processes given a
/// Slurm array's variables, then `vigil merge`.
@Suite(.serialized) struct ShardTests {
    static func slurm(_ index: Int, job: String = "777") -> [String: String] {
        ["SLURM_ARRAY_TASK_ID": String(index), "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_JOB_ID": job]
    }

    /// Starts `vigil run JOB --shard auto` as task `index` of a 4-task array.
    static func startShard(_ job: TemporaryJob, _ index: Int) throws -> ChildProcess {
        try TestEnvironment.start(["run", job.path, "--shard", "auto", "--quiet"], environment: Self.slurm(index))
    }

    static func lines(_ url: URL) throws -> [JSONValue] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONParser().parse(String($0))
        }
    }

    static func expectMergedOnce(_ run: URL, items: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        throws
    {
        let merge = try TestEnvironment.run(TestEnvironment.vigil, ["merge", run.path])
        #expect(merge.status == 0, "\(merge.standardError)", sourceLocation: sourceLocation)
        let ids = try
            (lines(run.appendingPathComponent("results.jsonl")) + lines(run.appendingPathComponent("failed.jsonl")))
            .compactMap { $0["id"]?.stringValue }
        #expect(
            ids.count == items && Set(ids).count == items, "\(ids.count) lines, \(Set(ids).count) items",
            sourceLocation: sourceLocation)
        let manifest = try JSONParser().parse(
            String(contentsOf: run.appendingPathComponent("manifest.json"), encoding: .utf8))
        let shards = manifest["shards"]?.arrayValue ?? []
        #expect(shards.count == 4, sourceLocation: sourceLocation)
        let sum = shards.reduce(0) {
            $0 + Int($1["succeeded"]?.numberValue?.int64Value ?? 0) + Int($1["failed"]?.numberValue?.int64Value ?? 0)
        }
        #expect(
            manifest["counts"]?["completed"] == .number(JSONNumber(sum)) && sum == items, sourceLocation: sourceLocation
        )
        // The log, rebuilt, agrees with the merged manifest.
        let summary = try TestEnvironment.run(
            TestEnvironment.vigil, ["events", run.path, "--summary", "--format", "jsonl"])
        let replayed = try JSONParser().parse(summary.standardOutput)
        #expect(
            replayed["completed"] == manifest["counts"]?["completed"]
                && replayed["total"] == manifest["counts"]?["total"], sourceLocation: sourceLocation)
    }

    @Test func fourShardsGivenSlurmVariablesRunEveryItemOnceAndMerge() throws {
        let job = try TemporaryJob(
            items: 60, extractor: TemporaryJob.extractor("answer = {\"n\": 0 if n % 10 == 0 else n}", persistent: true),
            mode: "persistent")
        let processes = try (0..<4).map { try Self.startShard(job, $0) }
        for process in processes {
            try Waiting.exit(of: process, "a shard")
            #expect(process.terminationStatus == 0)
        }
        let run = job.folder.appendingPathComponent("runs/test-job/slurm-777")
        #expect(ShardMerge.shardFolders(of: run).map(\.lastPathComponent) == (0..<4).map { "shard-\($0)-of-4" })
        // Each shard listed only its items, and together every item once.
        var listed: [String] = []
        for index in 0..<4 {
            let ids = try Self.lines(run.appendingPathComponent("shard-\(index)-of-4/inputs.jsonl")).compactMap {
                $0["id"]?.stringValue
            }
            #expect(ids.allSatisfy { Shard.index(of: $0, among: 4) == index })
            listed += ids
        }
        #expect(listed.count == 60 && Set(listed).count == 60)
        // Before the merge, watch follows the shards as one run; report says to merge first.
        let watch = try TestEnvironment.run(TestEnvironment.vigil, ["watch", run.path])
        #expect(watch.status == 0, "\(watch.standardError)")
        #expect(watch.standardOutput.contains("[60/60] 100%") && watch.standardOutput.contains("COMPLETED"))
        let report = try TestEnvironment.run(TestEnvironment.vigil, ["report", run.path])
        #expect(report.status == 2 && report.standardError.contains("is a sharded run that is not merged yet"))
        try Self.expectMergedOnce(run, items: 60)
        // A second start of a shard that ran is refused (resume it instead).
        let again = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path, "--shard", "auto"], environment: Self.slurm(2))
        #expect(
            again.status != 0
                && again.standardError.contains(
                    "this shard of the run has been started already; continue it with vigil resume")
        )
    }

    @Test func oneShardsAbortStopsTheOthersWithinAnItem() throws {
        // Shard 0's items are all wrong, fast; the other shards' are right, and slow.
        let extractor = TemporaryJob.extractor(
            """
            import hashlib
            shard = int.from_bytes(hashlib.sha256(request["id"].encode()).digest()[:8], "big") % 4
            if shard != 0: time.sleep(0.3)
            answer = {"n": 0} if shard == 0 else {"n": n}
            """, persistent: true)
        let job = try TemporaryJob(items: 120, extractor: extractor, mode: "persistent", concurrency: 1)
        let processes = try (0..<4).map { try Self.startShard(job, $0) }
        for process in processes { try Waiting.exit(of: process, "a shard") }
        #expect(processes.map(\.terminationStatus) == [3, 3, 3, 3])
        let run = job.folder.appendingPathComponent("runs/test-job/slurm-777")
        let marker = try JSONParser().parse(
            String(contentsOf: run.appendingPathComponent("stop.json"), encoding: .utf8))
        #expect(marker["shard"] == "0/4")
        let markedAt = try #require(marker["at"]?.stringValue.flatMap(Timestamp.parse))
        for index in 1..<4 {
            let folder = run.appendingPathComponent("shard-\(index)-of-4")
            let manifest = try JSONParser().parse(
                String(contentsOf: folder.appendingPathComponent("manifest.json"), encoding: .utf8))
            #expect(manifest["status"] == "aborted")
            #expect(
                manifest["verdict"]?.stringValue?.hasPrefix("shard 0/4 aborted the run: success rate 0% after 5 items")
                    == true, "\(manifest["verdict"] ?? .null)")
            // At most the item in flight when the marker appeared ended after it.
            let late = try Self.lines(folder.appendingPathComponent("events.jsonl")).filter {
                ($0["type"] == "item.completed" || $0["type"] == "item.started")
                    && ($0["ts"]?.stringValue.flatMap(Timestamp.parse) ?? 0) > markedAt + 0.05
            }
            #expect(
                late.filter { $0["type"] == "item.started" }.isEmpty, "shard \(index) started items after the marker")
            #expect(late.count <= 1, "shard \(index): \(late.count) item events after the marker")
        }
        let merge = try TestEnvironment.run(TestEnvironment.vigil, ["merge", run.path])
        #expect(merge.status == 3)
        #expect(merge.standardError.contains("aborted"))
    }

    @Test func aShardKilledAndResumedMergesExactlyOnce() async throws {
        // Shard 1's first four items end; the rest wait while the file "hold" exists, so
        // the kill lands mid-run however loaded the machine is. (Holding from the fourth on,
        // the one worker, which answers in the order requests reach it, took the fourth before
        // the third on a loaded machine and held both: three never ended.)
        let extractor = TemporaryJob.extractor(
            """
            import hashlib, os
            def shard(i): return int.from_bytes(hashlib.sha256(i.encode()).digest()[:8], "big") % 4
            mine = [k for k in range(1, 81) if shard("items/item-%03d.txt" % k) == 1]
            while n in mine[4:] and os.path.exists("hold"): time.sleep(0.02)
            answer = {"n": n}
            """, persistent: true)
        let job = try TemporaryJob(items: 80, extractor: extractor, mode: "persistent", concurrency: 2)
        let hold = job.folder.appendingPathComponent("hold")
        try Data().write(to: hold)
        let processes = try (0..<4).map { try Self.startShard(job, $0) }
        let run = job.folder.appendingPathComponent("runs/test-job/slurm-777")
        let events = run.appendingPathComponent("shard-1-of-4/events.jsonl")
        try await Waiting.until("shard 1's first three items") {
            ((try? String(contentsOf: events, encoding: .utf8))?.components(separatedBy: "item.completed").count ?? 0)
                >= 4
        }
        processes[1].send(SIGKILL)
        processes[1].waitUntilExit()
        try FileManager.default.removeItem(at: hold)
        for process in processes { try Waiting.exit(of: process, "a shard") }
        #expect(processes[1].terminationReason == .uncaughtSignal)
        let refused = try TestEnvironment.run(TestEnvironment.vigil, ["merge", run.path])
        #expect(refused.status == 2)
        #expect(refused.standardError.contains("shard-1-of-4 did not end (running): continue it with vigil resume"))
        let resumed = try TestEnvironment.run(
            TestEnvironment.vigil, ["resume", run.appendingPathComponent("shard-1-of-4").path, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        try Self.expectMergedOnce(run, items: 80)
    }

    @Test func shardArgumentsAreCheckedAndSaidPlainly() throws {
        #expect(try Shard.resolve("1/4") == Shard(index: 1, count: 4))
        #expect(throws: Shard.Problem.self) { try Shard.resolve("4/4") }
        #expect(
            try Shard.resolve(
                "auto",
                environment: ["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_MAX": "8"])
                == Shard(index: 2, count: 4))
        #expect(
            try Shard.resolve("auto", shards: 3, environment: ["JOB_COMPLETION_INDEX": "2"])
                == Shard(index: 2, count: 3))
        #expect(
            try Shard.resolve("auto", environment: ["CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "2"])
                == Shard(index: 0, count: 2))
        do {
            _ = try Shard.resolve("auto", environment: ["JOB_COMPLETION_INDEX": "2"])
            Issue.record("an Indexed Job without --shards was accepted")
        } catch {
            #expect(error.description.contains("also needs --shards N"))
        }
        #expect(try Shard.sharedRunID(nil, environment: ["SLURM_ARRAY_JOB_ID": "4242"]) == "slurm-4242")
        #expect(throws: Shard.Problem.self) { try Shard.sharedRunID(nil, environment: [:]) }
        // The split is stable and covers every id once.
        let ids = (0..<1000).map { "items/item-\($0).png" }
        let parts = Dictionary(grouping: ids) { Shard.index(of: $0, among: 8) }
        #expect(parts.count == 8 && parts.values.allSatisfy { $0.count > 80 })
        // The documented split, computed apart (Python: int.from_bytes(sha256(id)[:8], "big") % N):
        // every machine and every later Vigil must put these ids in these shards.
        let fixed = (0..<12).map { "items/item-\($0).png" }
        #expect(fixed.map { Shard.index(of: $0, among: 8) } == [4, 2, 4, 4, 5, 2, 2, 7, 5, 5, 2, 2])
        #expect(fixed.map { Shard.index(of: $0, among: 3) } == [1, 0, 2, 0, 2, 2, 2, 1, 0, 0, 0, 2])
    }
}
