import Foundation
import JSONSchema
import Testing
import Vigil

/// `model.batch` runs against a loopback server with Files, Batches and chat completions:
/// the canary live, the rest in batches, every input exactly once in results or failed
/// whatever the batches do.
@Suite(.timeLimit(.minutes(3))) struct BatchRunTests {
    static let environment = ProcessInfo.processInfo.environment.merging(["VIGIL_TEST_KEY": OpenAIProviderTests.key]) {
        $1
    }

    /// A job of `items` text items on `server`, its first `canary` items live.
    static func job(
        _ server: LoopbackBatchServer, items: Int, canary: Int = 5, batch: String = "{ poll_interval: 50ms }",
        model extra: String = "",
        thresholds: String = "", retries: String = "{ max_attempts: 3, initial_delay: 10ms, max_delay: 20ms }",
        concurrency: Int = 1, top: String = ""
    ) throws -> TemporaryJob {
        try TemporaryJob(
            items: items, extractor: "",
            model:
                "model:\n  provider: openai\n  base_url: \(server.baseURL)\n  name: test-model\n  api_key_env: VIGIL_TEST_KEY\n  timeout: 5s\n  batch: \(batch)\n\(extra)",
            extra: top,
            thresholds: "thresholds:\n  early: { after: \(canary), min_success_rate: 0.8 }\n" + thresholds,
            concurrency: concurrency, retries: retries)
    }

    static func run(
        _ job: TemporaryJob,
        options: RunOptions = RunOptions(progressInterval: .milliseconds(200), environment: environment)
    ) async throws -> (RunSummary, RunEngine) {
        let engine = try await job.engine(options: options, environment: environment)
        return (await engine.run(), engine)
    }

    /// Item n answers {"n": n}.
    static func good(_ body: JSONValue) -> String { "{\"n\": \(OpenAIProviderTests.itemNumber(body))}" }

    /// The ids in results.jsonl and failed.jsonl (each must appear once).
    static func ended(_ folder: RunFolder) throws -> (succeeded: [String], failed: [String]) {
        func ids(_ url: URL) throws -> [String] {
            guard FileManager.default.fileExists(atPath: url.path) else { return [] }
            return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
                try JSONParser().parse(String($0))["id"]?.stringValue ?? ""
            }
        }
        return (try ids(folder.results), try ids(folder.failed))
    }

    static func expectEveryItemOnce(
        _ folder: RunFolder, items: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let (succeeded, failed) = try ended(folder)
        let all = succeeded + failed
        #expect(all.count == items, "\(all.count) lines for \(items) items", sourceLocation: sourceLocation)
        #expect(Set(all).count == all.count, "an item ended twice", sourceLocation: sourceLocation)
        #expect(
            Set(all) == Set((1...items).map { String(format: "items/item-%03d.txt", $0) }),
            sourceLocation: sourceLocation)
    }

    static func events(_ folder: RunFolder) throws -> [RunEvent] {
        try String(contentsOf: folder.events, encoding: .utf8).split(separator: "\n").map {
            try RunEvent(json: try JSONParser().parse(String($0)))
        }
    }

    @Test func theCanaryRunsLiveAndTheRestInABatchAtTheBatchPrice() async throws {
        let server = try LoopbackBatchServer(answer: Self.good)
        defer { server.shutdown() }
        let job = try Self.job(
            server, items: 20, batch: "{ poll_interval: 50ms, max_requests_per_file: 6 }",
            model:
                "  pricing: { input_per_million: 1.00, output_per_million: 2.00, batch_discount: 0.5 }\n  structured_output: json_schema"
        )
        let (summary, engine) = try await Self.run(job)
        #expect(summary.status == .completed)
        #expect(summary.counts.succeeded == 20)
        // Five live (concurrency 1: the early check is decided after the fifth), fifteen in
        // three files of at most six.
        #expect(server.liveRequests == 5)
        #expect(server.batchIDs.count == 3)
        #expect(server.submitted.count == 15 && server.submitted.values.allSatisfy { $0 == 1 })
        #expect(Set(server.submitted.keys) == Set((5..<20).map { "vigil-\($0)" }))
        try Self.expectEveryItemOnce(engine.folder, items: 20)
        // Each item costs 100 input and 20 output tokens: $0.00014 live, half in a batch.
        #expect(summary.spend.spent.cost == Dollars(usd: 5 * 0.00014 + 15 * 0.00007))
        // The batch request carries response_format as a live one does, and the live body.
        let request = try #require(server.batchRequests.first)
        #expect(request["url"] == "/v1/chat/completions" && request["method"] == "POST")
        #expect(request["body"]?["response_format"]?["type"] == "json_schema")
        #expect(request["body"]?["response_format"]?["json_schema"]?["name"] == "schema")
        #expect(request["body"]?["response_format"]?["json_schema"]?["schema"]?["required"] == ["n"])
        let types = try Self.events(engine.folder).map(\.type)
        #expect(types.filter { $0 == "batch.submitted" }.count == 3)
        #expect(types.filter { $0 == "batch.completed" }.count == 3)
        #expect(types.contains("batch.progress"))
        // The first batch is submitted after the early check passed.
        #expect(
            try #require(types.firstIndex(of: "validation.checkpoint"))
                < (try #require(types.firstIndex(of: "batch.submitted"))))
        let journal = try BatchJournal(url: engine.folder.batches)
        #expect(journal.files.count == 3 && journal.open.isEmpty)
        #expect(journal.files.allSatisfy { $0.batch != nil && $0.ended == "completed" })
    }

    @Test func theRunRecordsWhatTheServerBilledForTheCanaryAndTheBatches() async throws {
        let server = try LoopbackBatchServer(answer: Self.good)
        defer { server.shutdown() }
        let job = try Self.job(
            server, items: 20, batch: "{ poll_interval: 50ms, max_requests_per_file: 6 }",
            model: "  pricing: { input_per_million: 1.00, output_per_million: 2.00, batch_discount: 0.5 }")
        let (summary, engine) = try await Self.run(job)
        #expect(summary.status == .completed)
        #expect(server.liveRequests == 5)
        let pricing = try #require(
            JobLoader(purpose: .validate, environment: Self.environment).load(job.path).job?.model.pricing)
        let bill = server.bill(pricing)
        // 5 live answers at $0.00014 and 15 in batches at half that.
        #expect(bill == Dollars(usd: 5 * 0.000_14 + 15 * 0.000_07))
        #expect(summary.spend.spent.cost == bill)
        let manifest = try JSONParser().parse(Data(contentsOf: engine.folder.manifest))
        #expect(Spend(json: manifest["cost"])?.charged == bill)
    }

    @Test func aCanaryThatFailsCreatesNoBatch() async throws {
        let server = try LoopbackBatchServer { _ in "I cannot read this image." }
        defer { server.shutdown() }
        let job = try Self.job(server, items: 20)
        let (summary, engine) = try await Self.run(job)
        #expect(summary.status == .aborted)
        #expect(server.liveRequests == 5)
        #expect(server.batchIDs.isEmpty)
        #expect(server.submitted.isEmpty)
        #expect(try Self.ended(engine.folder).failed.count == 5)
    }

    @Test func aBatchThatFailsAsAWholeFailsItsItemsOnceEach() async throws {
        let server = try LoopbackBatchServer(fault: .failed, answer: Self.good)
        defer { server.shutdown() }
        let job = try Self.job(server, items: 12, canary: 4)
        let (summary, engine) = try await Self.run(job)
        try Self.expectEveryItemOnce(engine.folder, items: 12)
        #expect(summary.counts.succeeded == 4 && summary.counts.failed == 8)
        let failures = try String(contentsOf: engine.folder.failed, encoding: .utf8)
        #expect(failures.contains("failed as a whole: line 1: the input file is not valid"))
        #expect(
            try Self.events(engine.folder).contains {
                if case .batchFailed(let report) = $0.kind { report.state == "failed" } else { false }
            })
    }

    @Test func whatAnExpiredBatchDidNotRunIsSentAgainUntilTheAttemptsRunOut() async throws {
        // Every batch runs half its requests: 8 -> 4 again -> 2 again -> 1 fails (3 batches each).
        let server = try LoopbackBatchServer(fault: .expiresHalfDone, answer: Self.good)
        defer { server.shutdown() }
        let job = try Self.job(server, items: 12, canary: 4)
        let (summary, engine) = try await Self.run(job)
        try Self.expectEveryItemOnce(engine.folder, items: 12)
        let answered = 4 + 4 + 2 + 1
        #expect(summary.counts.succeeded == answered)
        #expect(summary.counts.failed == 1)
        #expect(server.batchIDs.count == 3)
        // Sent again only what a batch did not run: never an answered request.
        let sent = server.submitted.values.reduce(0, +)
        #expect(sent == 14)
        let failures = try String(contentsOf: engine.folder.failed, encoding: .utf8)
        #expect(failures.contains("3 batches ended without it"))
    }

    @Test func onExpiredFailFailsWhatTheBatchDidNotRun() async throws {
        let server = try LoopbackBatchServer(fault: .expiresHalfDone, answer: Self.good)
        defer { server.shutdown() }
        let job = try Self.job(server, items: 12, canary: 4, batch: "{ poll_interval: 50ms, on_expired: fail }")
        let (summary, engine) = try await Self.run(job)
        try Self.expectEveryItemOnce(engine.folder, items: 12)
        #expect(summary.counts.succeeded == 8 && summary.counts.failed == 4)
        #expect(server.batchIDs.count == 1)
        #expect(try String(contentsOf: engine.folder.failed, encoding: .utf8).contains("on_expired: fail"))
    }

    @Test func aBrokenDownloadIsTriedAgain() async throws {
        let server = try LoopbackBatchServer(fault: .brokenDownload, answer: Self.good)
        defer { server.shutdown() }
        let job = try Self.job(server, items: 10, canary: 2)
        let (summary, engine) = try await Self.run(job)
        #expect(summary.status == .completed)
        #expect(summary.counts.succeeded == 10)
        try Self.expectEveryItemOnce(engine.folder, items: 10)
        #expect(server.submitted.values.allSatisfy { $0 == 1 })
    }

    @Test func aThresholdThatFailsOnBatchAnswersCancelsTheBatchesStillRunning() async throws {
        // The canary (items 1-5) is right; every later answer is not.
        let server = try LoopbackBatchServer(fault: .onlyFirstFinishes) { body in
            OpenAIProviderTests.itemNumber(body) <= 5 ? Self.good(body) : "no idea"
        }
        defer { server.shutdown() }
        let job = try Self.job(
            server, items: 20, batch: "{ poll_interval: 50ms, max_requests_per_file: 5 }",
            thresholds: "  window: { size: 5, min_success_rate: 0.5, action: abort }\n")
        let (summary, engine) = try await Self.run(job)
        #expect(summary.status == .aborted)
        #expect(summary.verdict?.check?.check == "window")
        #expect(server.batchIDs.count == 3)
        #expect(server.cancelled.count == 2)
        let journal = try BatchJournal(url: engine.folder.batches)
        #expect(journal.files.filter(\.cancelRequested).count == 2)
        #expect(try Self.ended(engine.folder).failed.count == 5)
    }

    @Test func aStopLeavesTheBatchesRunningAndCancelCollectsWhatTheyFinished() async throws {
        let server = try LoopbackBatchServer(fault: .neverFinishes, answer: Self.good)
        defer { server.shutdown() }
        let job = try Self.job(server, items: 12, canary: 2)
        let engine = try await job.engine(
            options: RunOptions(progressInterval: .milliseconds(200), environment: Self.environment),
            environment: Self.environment)
        let events = engine.events()
        let stopper = Task {
            for await event in events {
                if case .batchProgress(let report) = event.kind, report.state == "in_progress" {
                    engine.requestStop(reason: "interrupted by the test")
                }
            }
        }
        let summary = await engine.run()
        stopper.cancel()
        #expect(summary.status == .interrupted)
        #expect(summary.interruption?.contains("1 batch with 10 requests is still running at the endpoint") == true)
        #expect(summary.interruption?.contains("vigil cancel") == true)
        #expect(summary.batchesRunning == 1)
        #expect(server.cancelled.isEmpty)

        // vigil cancel: the batch is cancelled; the half it finished is recorded, the rest stays to do.
        let recorded = try RecordedRun(at: engine.folder.url.path)
        let spec = try #require(recorded.loadJob(environment: Self.environment).job)
        var options = RunOptions(progressInterval: .milliseconds(200), environment: Self.environment)
        options.cancelsBatches = true
        let cancel = try RunEngine(job: spec, setup: try await RunSetup.resuming(recorded, job: spec), options: options)
        let cancelled = await cancel.run()
        #expect(server.cancelled.count == 1)
        #expect(cancelled.status == .interrupted)
        #expect(cancelled.counts.completed == 2 + 5)
        #expect(cancelled.interruption?.contains("5 items stay to do") == true)
        #expect(server.submitted.values.allSatisfy { $0 == 1 })
        #expect(server.liveRequests == 2)
    }

    @Test func batchWithoutAnEarlyThresholdIsRefusedWhereItIsWritten() throws {
        let server = try LoopbackBatchServer(answer: Self.good)
        defer { server.shutdown() }
        let job = try TemporaryJob(
            items: 3, extractor: "",
            model:
                "model:\n  provider: openai\n  base_url: \(server.baseURL)\n  name: m\n  api_key_env: VIGIL_TEST_KEY\n  batch: true",
            thresholds: "")
        let validation = JobLoader(purpose: .validate, environment: Self.environment).load(job.path)
        let problem = try #require(validation.diagnostics.first { $0.code == .batchWithoutCanary })
        #expect(problem.severity == .error)
        #expect(problem.location.line == 10 && problem.location.column == 10)
        #expect(problem.message.contains("there is no thresholds.early to run live first"))
        #expect(validation.job == nil)
    }

    @Test func theSchemaRefusesBatchForACommandAndUnknownSettings() throws {
        let command = try TemporaryJob(
            items: 2, extractor: "",
            model: "model:\n  provider: command\n  command: [python3, extract.py]\n  batch: true")
        let refused = JobLoader(purpose: .validate).load(command.path).diagnostics.filter { $0.severity == .error }
        #expect(refused.contains { $0.message.contains("batch") })
        let server = try LoopbackBatchServer(answer: Self.good)
        defer { server.shutdown() }
        let typo = try Self.job(server, items: 2, batch: "{ on_expire: retry }")
        #expect(JobLoader(purpose: .validate, environment: Self.environment).load(typo.path).job == nil)
    }

    @Test func aBudgetIsKeptBeforeEachRequestGoesIntoABatch() async throws {
        // Each batch request reserves its input estimate (learned from the canary's answers)
        // plus max_tokens, at the batch price; an answer uses 100 + 20 tokens. The budget lets
        // the canary and part of the rest through, and is never passed.
        let server = try LoopbackBatchServer(answer: Self.good)
        defer { server.shutdown() }
        let job = try Self.job(
            server, items: 30, canary: 2,
            model:
                "  parameters: { max_tokens: 50 }\n  pricing: { input_per_million: 10.00, output_per_million: 10.00, batch_discount: 0.5 }",
            top: "budget: { max_cost: 0.012 }\n")
        let (summary, engine) = try await Self.run(job)
        #expect(summary.status == .aborted)
        #expect(summary.verdict?.stopsAtOnce == false)
        #expect(summary.spend.spent.cost <= Dollars(usd: 0.012)!)
        let sent = server.submitted.count
        #expect(sent > 0 && sent < 28)
        // What was sent was recorded; what was not stays to do.
        #expect(summary.counts.completed == 2 + sent)
        try #expect(Self.ended(engine.folder).succeeded.count == 2 + sent)
        #expect(summary.interruption == nil)
    }

    @Test func aCachedItemGoesIntoNoBatch() async throws {
        let server = try LoopbackBatchServer(answer: Self.good)
        defer { server.shutdown() }
        let job = try Self.job(server, items: 10, canary: 2, top: "cache: { path: cache.sqlite }\n")
        let (first, _) = try await Self.run(job)
        #expect(first.counts.succeeded == 10)
        #expect(server.liveRequests == 2 && server.submitted.count == 8)
        // The same job again: the canary and the rest come from the cache; nothing is sent.
        let (second, engine) = try await Self.run(job)
        #expect(second.counts.succeeded == 10)
        #expect(server.liveRequests == 2 && server.submitted.count == 8 && server.batchIDs.count == 1)
        let manifest = try JSONParser().parse(String(contentsOf: engine.folder.manifest, encoding: .utf8))
        #expect(manifest["cache"]?["hits"] == 10)
    }
}
