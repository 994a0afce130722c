import Foundation
import JSONSchema
import Testing
import Vigil

/// The availability breaker against a real endpoint that goes down.
@Suite struct CircuitBreakerTests {
    func job(_ server: LoopbackOpenAIServer, items: Int, breaker: String) throws -> TemporaryJob {
        let job = try TemporaryJob(
            items: items, extractor: "", model: OpenAIProviderTests.model(server), thresholds: "", concurrency: 2,
            retries: "{ max_attempts: 2, initial_delay: 10ms, max_delay: 20ms }")
        try String(contentsOfFile: job.path, encoding: .utf8)
            .replacing("concurrency: 2", with: "concurrency: 2\n  breaker: \(breaker)")
            .write(toFile: job.path, atomically: true, encoding: .utf8)
        return job
    }

    @Test func anOutageMakesItemsWaitInsteadOfFailing() async throws {
        let recovery = Date().addingTimeInterval(1.2)
        let server = try LoopbackOpenAIServer { _, body in
            Date() < recovery ? .status(503, body: #"{"error": {"message": "overloaded"}}"#) : OpenAIProviderTests.good(body)
        }
        defer { server.shutdown() }
        let job = try job(server, items: 6, breaker: "{ open_after: 2, cool_down: 200ms, give_up_after: 30s }")
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": OpenAIProviderTests.key])
        let summary = await engine.run()
        // Without the breaker, two attempts each would have sent items to failed.jsonl.
        #expect(summary.counts == RunCounts(total: 6, succeeded: 6, failed: 0))
        #expect(summary.status == .completed)
    }

    @Test func anOutageLongerThanGiveUpInterruptsTheRun() async throws {
        let server = try LoopbackOpenAIServer { _, _ in .status(503) }
        defer { server.shutdown() }
        let job = try job(server, items: 10, breaker: "{ open_after: 2, cool_down: 100ms, give_up_after: 1s }")
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": OpenAIProviderTests.key])
        let summary = await engine.run()
        #expect(summary.status == .interrupted)
        #expect(summary.counts.failed == 0)
        #expect(summary.interruption?.contains("longer than breaker.give_up_after (1s)") == true)
        let manifest = try JSONParser().parse(Data(contentsOf: engine.folder.manifest))
        #expect(manifest["status"] == "interrupted")
    }
}
