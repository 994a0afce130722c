import Foundation
import JSONSchema
import Synchronization
import TestSupport
import Testing
import Vigil

/// The response cache: a rerun pays only for what changed; a cache shared, killed or
/// damaged never gives a wrong answer or stops a run.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ResponseCacheTests {
    static let environment = ["VIGIL_TEST_KEY": OpenAIProviderTests.key]

    /// Item n answers {"n": n} (with usage).
    static func server() throws -> LoopbackOpenAIServer {
        try LoopbackOpenAIServer { _, body in OpenAIProviderTests.good(body) }
    }

    static func job(_ server: LoopbackOpenAIServer, items: Int = 12, cache: String = "{ path: cache.sqlite }") throws
        -> TemporaryJob
    {
        try TemporaryJob(
            items: items, extractor: "", model: OpenAIProviderTests.model(server), extra: "cache: \(cache)\n",
            thresholds: "", concurrency: 3)
    }

    static func vigil(_ arguments: [String]) throws -> TestEnvironment.Outcome {
        try TestEnvironment.run(TestEnvironment.vigil, arguments, environment: environment)
    }

    /// `vigil run JOB`, which must complete; its run folder.
    @discardableResult
    static func runToEnd(_ job: TemporaryJob, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> URL {
        let outcome = try vigil(["run", job.path, "--quiet"])
        #expect(outcome.status == 0, "\(outcome.standardError)", sourceLocation: sourceLocation)
        return try newestRun(job)
    }

    /// The run folder made last (run ids sort by second, then by a random suffix: two runs
    /// in one second are told apart by their manifests' start times).
    static func newestRun(_ job: TemporaryJob) throws -> URL {
        let runs = job.folder.appendingPathComponent("runs/test-job")
        let folders = try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { !$0.hasPrefix(".") }.map {
            runs.appendingPathComponent($0)
        }
        let started = try folders.map { ($0, try manifest($0)["started_at"]?.stringValue ?? "") }
        return try #require(started.max { $0.1 < $1.1 }?.0)
    }

    /// results.jsonl's lines ordered by id.
    static func sortedResults(_ run: URL) throws -> [String] {
        try String(contentsOf: run.appendingPathComponent("results.jsonl"), encoding: .utf8).split(separator: "\n").map(
            String.init
        ).sorted()
    }

    static func manifest(_ run: URL) throws -> JSONValue {
        try JSONParser().parse(String(contentsOf: run.appendingPathComponent("manifest.json"), encoding: .utf8))
    }

    @Test func aRerunWithTheCacheSendsNothingAndWritesTheSameResults() throws {
        let server = try Self.server()
        defer { server.shutdown() }
        let job = try Self.job(server)
        let original = try Self.runToEnd(job)
        #expect(server.requests.count == 12)
        #expect(try Self.manifest(original)["cache"]?["stored"] == 12)
        #expect(try Self.manifest(original)["cache"]?["misses"] == 12)

        let rerun = try Self.vigil(["rerun", original.appendingPathComponent("manifest.json").path, "--quiet"])
        #expect(rerun.status == 0, "\(rerun.standardError)")
        #expect(server.requests.count == 12, "the rerun sent \(server.requests.count - 12) requests")
        let again = try Self.newestRun(job)
        #expect(again != original)
        #expect(try Self.sortedResults(again) == (try Self.sortedResults(original)))
        let cache = try #require(try Self.manifest(again)["cache"])
        #expect(cache["hits"] == 12 && cache["misses"] == 0 && cache["stored"] == 0)
        let events = try String(contentsOf: again.appendingPathComponent("events.jsonl"), encoding: .utf8)
        #expect(events.components(separatedBy: #""cached":true"#).count - 1 == 12)
        // --no-cache: every item is asked again.
        let uncached = try Self.vigil([
            "rerun", original.appendingPathComponent("manifest.json").path, "--quiet", "--no-cache",
        ])
        #expect(uncached.status == 0)
        #expect(server.requests.count == 24)
    }

    @Test func anEditedPromptMissesForEveryItem() throws {
        let server = try Self.server()
        defer { server.shutdown() }
        let job = try Self.job(server, items: 6)
        try Self.runToEnd(job)
        try "Answer with Darwin Core JSON, please.\n".write(
            to: job.folder.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        #expect(try Self.vigil(["pin", job.path]).status == 0)
        #expect(try Self.manifest(try Self.runToEnd(job))["cache"]?["hits"] == 0)
        #expect(server.requests.count == 12)
    }

    @Test func aChangedSuccessSchemaRejudgesCachedAnswersWithoutARequest() throws {
        let server = try Self.server()
        defer { server.shutdown() }
        let job = try Self.job(server, items: 10)
        try Self.runToEnd(job)
        // Now n must be at most 5: items 6-10 fail, judged on the cached answers.
        try #"{"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "maximum": 5}}}"#
            .write(to: job.folder.appendingPathComponent("schema.json"), atomically: true, encoding: .utf8)
        let run = try Self.runToEnd(job)
        #expect(server.requests.count == 10)
        #expect(try Self.manifest(run)["counts"]?["failed"] == 5)
        #expect(try Self.manifest(run)["cache"]?["hits"] == 10)
        #expect(
            try String(contentsOf: run.appendingPathComponent("failed.jsonl"), encoding: .utf8).contains(
                "\"error\":\"schema\""))
    }

    @Test func twoRunsShareOneCacheAtOnce() throws {
        let server = try Self.server()
        defer { server.shutdown() }
        let job = try Self.job(server, items: 40)
        let processes = try (0..<2).map { _ in
            try TestEnvironment.start(["run", job.path, "--quiet"], environment: Self.environment)
        }
        for process in processes {
            try Waiting.exit(of: process, "a run sharing the cache")
            #expect(process.terminationStatus == 0)
        }
        let verify = try Self.vigil([
            "cache", "verify", "--path", job.folder.appendingPathComponent("cache.sqlite").path,
        ])
        #expect(verify.status == 0, "\(verify.standardError)")
        #expect(verify.standardOutput.contains("is sound: 40 answers"))
        // A third run finds every answer.
        #expect(try Self.manifest(try Self.runToEnd(job))["cache"]?["hits"] == 40)
    }

    @Test func aRunKilledWhileItKeepsAnswersLeavesOnlyWholeOnes() async throws {
        // Items after the 150th are held until the kill: a loaded machine cannot finish the
        // run before it is killed (seen in CI: all 400 answered first).
        final class Gate: Sendable { let holding = Mutex(true) }
        let gate = Gate()
        let server = try LoopbackOpenAIServer { _, body in
            let n = OpenAIProviderTests.itemNumber(body)
            let held = n > 150 && gate.holding.withLock { $0 }
            return .completion(
                "{\"n\": \(n)}", usage: ["prompt_tokens": 10, "completion_tokens": 2], delay: held ? 30 : 0.005)
        }
        defer { server.shutdown() }
        let job = try Self.job(server, items: 400)
        let process = try TestEnvironment.start(["run", job.path, "--quiet"], environment: Self.environment)
        try await Waiting.until("100 requests") { server.requests.count >= 100 || !process.isRunning }
        process.send(SIGKILL)
        process.waitUntilExit()
        gate.holding.withLock { $0 = false }
        // It died by the signal, in the middle of the run: answers were being kept as it died
        // (the cache's write-ahead log still holds them, never folded into the file).
        #expect(
            process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL,
            "the run ended by itself before the kill")
        let killed = try Self.newestRun(job)
        #expect(try Self.manifest(killed)["status"] == "running")
        let path = job.folder.appendingPathComponent("cache.sqlite").path
        let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
        #expect(wal > 0, "the cache was not open for writing when the run died")

        let verify = try Self.vigil(["cache", "verify", "--path", path])
        #expect(verify.status == 0, "\(verify.standardError)")
        let kept = try #require(
            Int(verify.standardOutput.split(separator: ":").last?.split(separator: " ").first ?? ""),
            "\(verify.standardOutput)")
        #expect(kept >= 90 && kept < 400)

        // A new run finds every whole answer kept, and writes what an uncached run writes.
        let cached = try Self.runToEnd(job)
        #expect(try Self.manifest(cached)["cache"]?["hits"] == .number(JSONNumber(kept)))
        let uncached = try Self.vigil(["run", job.path, "--quiet", "--no-cache"])
        #expect(uncached.status == 0, "\(uncached.standardError)")
        let fresh = try Self.newestRun(job)
        #expect(fresh != cached)
        #expect(try Self.sortedResults(cached) == (try Self.sortedResults(fresh)))
        #expect(try Self.sortedResults(cached).count == 400)

        // And the killed run resumes to its end.
        let resume = try Self.vigil(["resume", killed.path, "--quiet"])
        #expect(resume.status == 0, "\(resume.standardError)")
        #expect(try Self.manifest(killed)["counts"]?["completed"] == 400)
    }

    @Test func aDamagedCacheIsSaidAndTheRunGoesOnWithoutIt() throws {
        let server = try Self.server()
        defer { server.shutdown() }
        let job = try Self.job(server, items: 4)
        try Data("this is not an SQLite database, it is a text file that says so".utf8).write(
            to: job.folder.appendingPathComponent("cache.sqlite"))
        let run = try Self.vigil(["run", job.path, "--quiet"])
        #expect(run.status == 0)
        #expect(
            run.standardError.contains(
                "the response cache at \(job.folder.appendingPathComponent("cache.sqlite").path) cannot be used"))
        #expect(run.standardError.contains("the run goes on without it"))
        #expect(server.requests.count == 4)
        let verify = try Self.vigil([
            "cache", "verify", "--path", job.folder.appendingPathComponent("cache.sqlite").path,
        ])
        #expect(verify.status == 1 && verify.standardError.contains("is damaged"))
    }

    @Test func aCacheFromANewerVigilIsNotRead() throws {
        let server = try Self.server()
        defer { server.shutdown() }
        let job = try Self.job(server, items: 3)
        try Self.runToEnd(job)
        let sqlite = try TestEnvironment.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version = 99'); c.commit()",
                job.folder.appendingPathComponent("cache.sqlite").path,
            ])
        #expect(sqlite.status == 0, "\(sqlite.standardError)")
        let second = try Self.vigil(["run", job.path, "--quiet"])
        #expect(second.status == 0)
        #expect(
            second.standardError.contains(
                "it was written by a newer Vigil (layout 99; this one reads \(ResponseCache.schemaVersion))"))
        #expect(server.requests.count == 6)
    }
}
