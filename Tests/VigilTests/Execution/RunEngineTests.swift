import Foundation
import JSONSchema
import Testing
import Vigil

/// End-to-end runs with real subprocesses, real files and the real event log.
@Suite(.timeLimit(.minutes(3))) struct RunEngineTests {
    func ids(in url: URL) throws -> [String] {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONParser().parse(String($0))["id"]?.stringValue ?? "?" }
    }

    func events(_ folder: RunFolder) throws -> [RunEvent] {
        try String(contentsOf: folder.events, encoding: .utf8).split(separator: "\n").map {
            try RunEvent(json: JSONParser().parse(String($0)))
        }
    }

    @Test func aHealthyRunAccountsForEveryItemExactlyOnce() async throws {
        // Every 7th item answers without "n": a schema failure; the rest succeed.
        let job = try TemporaryJob(
            items: 30, extractor: TemporaryJob.extractor("answer = {\"n\": n} if n % 7 else {\"m\": n}"), concurrency: 3
        )
        let engine = try await job.engine()
        let summary = await engine.run()
        #expect(summary.status == .completed)
        #expect(summary.counts == RunCounts(total: 30, succeeded: 26, failed: 4))
        let succeeded = try ids(in: engine.folder.results)
        let failed = try ids(in: engine.folder.failed)
        #expect(succeeded.count == 26 && failed.count == 4)
        #expect(Set(succeeded + failed).count == 30)
        #expect(Set(succeeded).isDisjoint(with: failed))

        // The log replays to the manifest's counts, with gapless sequence numbers.
        let log = try events(engine.folder)
        #expect(log.map(\.sequence) == Array(1...log.count))
        #expect(log.filter { $0.type == "item.completed" }.count == 26)
        #expect(log.filter { $0.type == "item.failed" }.count == 4)
        #expect(log.last?.type == "run.completed")
        let manifest = try JSONParser().parse(Data(contentsOf: engine.folder.manifest))
        #expect(manifest["status"] == "completed")
        #expect(manifest["counts"]?["succeeded"] == 26 && manifest["counts"]?["failed"] == 4)
        #expect(manifest["outputs"]?["results.jsonl"]?.stringValue == FileDigest.sha256(of: engine.folder.results))
        #expect(manifest["outputs"]?["events.jsonl"]?.stringValue == FileDigest.sha256(of: engine.folder.events))
        #expect(manifest["inputs"]?["count"] == 30)
        #expect(manifest["prompt"]?["sha256"]?.stringValue?.count == 64)
        #expect(FileManager.default.fileExists(atPath: engine.folder.jobCopy.path))
        #expect(try job.lines(engine.folder.inputs).count == 30)
    }

    @Test func theIncidentIsAbortedAtTheEarlyCheckpoint() async throws {
        let job = try TemporaryJob(
            items: 40,
            extractor: TemporaryJob.extractor("time.sleep(0.05)\nanswer = 'I can only describe this label in prose.'"),
            concurrency: 3)
        let engine = try await job.engine()
        let summary = await engine.run()
        #expect(summary.status == .aborted)
        #expect(summary.counts.completed == 5)
        #expect(summary.verdict?.message == "success rate 0% after 5 items is below the early threshold of 50%")
        let log = try events(engine.folder)
        let ended = log.filter { $0.type == "item.completed" || $0.type == "item.failed" }
        #expect(ended.count == 5)
        // No more than `concurrency` items beyond the five were ever started.
        #expect(log.filter { $0.type == "item.started" }.count <= 5 + 3)
        #expect(log.contains { $0.type == "validation.failed" })
        #expect(log.last?.type == "run.aborted")
        #expect(try ids(in: engine.folder.failed).count == 5)
        let manifest = try JSONParser().parse(Data(contentsOf: engine.folder.manifest))
        #expect(manifest["status"] == "aborted")
        #expect(manifest["counts"]?["not_run"] == 35)
    }

    @Test func aRunWithNoSuccessIsAFailureNotACompletion() async throws {
        let job = try TemporaryJob(items: 3, extractor: TemporaryJob.extractor("answer = {}"), thresholds: "")
        let summary = await (try await job.engine()).run()
        #expect(summary.status == .failed)
    }

    @Test func aCrashingProgramIsCapturedAndRetried() async throws {
        let job = try TemporaryJob(
            items: 2, extractor: "import sys\nsys.stderr.write('boom: no model loaded\\n')\nsys.exit(3)\n",
            thresholds: "")
        let engine = try await job.engine()
        let summary = await engine.run()
        #expect(summary.counts.failed == 2)
        let line = try JSONParser().parse(try job.lines(engine.folder.failed)[0])
        #expect(line["error"] == "provider")
        #expect(line["attempts"] == 2)
        #expect(line["message"]?.stringValue?.contains("exited with status 3: boom: no model loaded") == true)
        #expect(line["detail"]?["exit_status"] == 3)
        #expect(try events(engine.folder).contains { $0.type == "item.retrying" })
    }

    @Test func aSlowProgramTimesOut() async throws {
        // Without the timeout its two attempts take 4 minutes; with it, well under one even on a
        // loaded machine (seen: 20 s while the whole suite ran on 2 cores).
        let job = try TemporaryJob(items: 1, extractor: "import time\ntime.sleep(120)\n", thresholds: "")
        try String(contentsOfFile: job.path, encoding: .utf8).replacing("timeout: 60s", with: "timeout: 300ms").write(
            toFile: job.path, atomically: true, encoding: .utf8)
        let engine = try await job.engine()
        let clock = ContinuousClock()
        let start = clock.now
        let summary = await engine.run()
        #expect(summary.counts.failed == 1)
        #expect(clock.now - start < .seconds(60))
        let line = try JSONParser().parse(try job.lines(engine.folder.failed)[0])
        #expect(line["error"] == "timeout")
    }

    @Test func thePersistentModeGivesTheSameResults() async throws {
        let code = "answer = {\"n\": n} if n % 5 else 'prose'"
        let perItem = try TemporaryJob(items: 12, extractor: TemporaryJob.extractor(code), thresholds: "")
        let persistent = try TemporaryJob(
            items: 12, extractor: TemporaryJob.extractor(code, persistent: true), mode: "persistent", thresholds: "")
        let first = try await perItem.engine()
        let second = try await persistent.engine()
        let a = await first.run()
        let b = await second.run()
        #expect(a.counts == b.counts)
        #expect(b.counts == RunCounts(total: 12, succeeded: 10, failed: 2))
        #expect(try Set(ids(in: first.folder.results)) == Set(ids(in: second.folder.results)))
    }

    @Test func resultsAreAFilterOverEvents() async throws {
        let job = try TemporaryJob(items: 6, extractor: TemporaryJob.extractor("answer = {\"n\": n}"), thresholds: "")
        let engine = try await job.engine()
        let results = engine.results()
        async let summary = engine.run()
        var collected: [JSONValue] = []
        for await result in results { collected.append(result) }
        #expect(await summary.counts.succeeded == 6)
        #expect(Set(collected.compactMap { $0["n"]?.numberValue?.int64Value }) == [1, 2, 3, 4, 5, 6])
    }
}
