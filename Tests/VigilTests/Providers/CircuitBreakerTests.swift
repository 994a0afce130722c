import Foundation
import JSONSchema
import Testing
import Vigil

/// The availability breaker against a real endpoint that goes down.
@Suite(.timeLimit(.minutes(3))) struct CircuitBreakerTests {
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
        // The first six requests meet an outage (counted, not timed: on a loaded machine a
        // timed outage could end before the first request).
        let server = try LoopbackOpenAIServer { number, body in
            number <= 6 ? .status(503, body: #"{"error": {"message": "overloaded"}}"#) : OpenAIProviderTests.good(body)
        }
        defer { server.shutdown() }
        let job = try job(server, items: 6, breaker: "{ open_after: 2, cool_down: 200ms, give_up_after: 30s }")
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": OpenAIProviderTests.key])
        let summary = await engine.run()
        // Without the breaker, two attempts each would have sent items to failed.jsonl.
        #expect(summary.counts == RunCounts(total: 6, succeeded: 6, failed: 0))
        #expect(summary.status == .completed)
        // The items waited because the breaker opened (not by luck of the retry timing),
        // and it closed once the endpoint answered.
        let types = try job.lines(engine.folder.events).compactMap { try JSONParser().parse($0)["type"]?.stringValue }
        let opened = try #require(types.firstIndex(of: "breaker.opened"), "\(types)")
        let closed = try #require(types.lastIndex(of: "breaker.closed"), "\(types)")
        #expect(opened < closed)
        #expect(types[closed...].contains("item.completed"))
    }

    /// Half-open: after `cool_down` exactly one attempt (the probe) goes out while the others
    /// wait; a failed probe opens the breaker for another `cool_down`; an answer closes it
    /// and everyone proceeds.
    @Test func afterTheCoolDownExactlyOneProbeGoesOut() async throws {
        let breaker = CircuitBreaker(openAfter: 2, coolDown: 1.0, giveUpAfter: 600)
        #expect(await breaker.recordUnavailable() == nil)
        let opened = try #require(await breaker.recordUnavailable())
        #expect(opened.failures == 2)
        let openedAt = Date()
        let passed = Counter()
        let waiters = (0..<4).map { _ in
            Task {
                try await breaker.acquire()
                passed.add(Date().timeIntervalSince(openedAt))
            }
        }
        defer { for waiter in waiters { waiter.cancel() } }
        try await Waiting.until("the probe", within: 30) { passed.count == 1 }
        // Not before the cool-down (a loaded machine can only make it later).
        #expect(passed.times[0] >= 0.95, "the probe went out \(passed.times[0]) s after the breaker opened")
        // The others keep waiting while the probe is out, however long it takes.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(passed.count == 1)

        // The probe failed: open again, and one more probe only after another cool-down.
        let reopenedAt = Date()
        let reopened = try #require(await breaker.recordUnavailable())
        #expect(reopened.failures == 3)
        try await Waiting.until("the second probe", within: 30) { passed.count == 2 }
        #expect(passed.times[1] - reopenedAt.timeIntervalSince(openedAt) >= 0.95)
        try await Task.sleep(for: .milliseconds(1500))
        #expect(passed.count == 2)

        // The probe was answered: closed, and the two still waiting go.
        #expect(await breaker.recordAvailable() != nil)
        try await Waiting.until("the waiters after the breaker closed", within: 30) { passed.count == 4 }
        #expect(await breaker.isOpen == false)
    }

    /// Thread-safe record of when each waiter got through.
    final class Counter: @unchecked Sendable {  // `values` only under `lock`
        private let lock = NSLock()
        private var values: [Double] = []
        func add(_ time: Double) { lock.withLock { values.append(time) } }
        var count: Int { lock.withLock { values.count } }
        var times: [Double] { lock.withLock { values } }
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
