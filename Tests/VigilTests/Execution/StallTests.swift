import Foundation
import JSONSchema
import Synchronization
import Testing
import Vigil

/// A run that makes no progress says so: the breaker's opening and closing are events, and
/// `thresholds.stall` warns (or aborts) when nothing has succeeded for `no_success_for`.
@Suite(.timeLimit(.minutes(3))) struct StallTests {
    static let environment = ProcessInfo.processInfo.environment.merging(["VIGIL_TEST_KEY": OpenAIProviderTests.key]) {
        $1
    }

    func job(_ server: LoopbackOpenAIServer, stall: String, items: Int = 6) throws -> TemporaryJob {
        try TemporaryJob(
            items: items, extractor: "", model: OpenAIProviderTests.model(server),
            extra: "",
            thresholds: "thresholds:\n  early: { after: 5, min_success_rate: 0.5 }\n  stall: \(stall)\n",
            concurrency: 2,
            retries:
                "{ max_attempts: 3, initial_delay: 10ms, max_delay: 20ms }\n  breaker: { open_after: 3, cool_down: 300ms, give_up_after: 1h }"
        )
    }

    static func events(_ engine: RunEngine) throws -> [RunEvent] {
        try String(contentsOf: engine.folder.events, encoding: .utf8).split(separator: "\n").map {
            try RunEvent(json: JSONParser().parse(String($0)))
        }
    }

    @Test func anEndpointThatRateLimitsForeverOpensTheBreakerAndTheStallWarns() async throws {
        let server = try LoopbackOpenAIServer { _, _ in
            .status(429, body: #"{"error": {"message": "Rate limit reached for requests"}}"#)
        }
        defer { server.shutdown() }
        let job = try job(server, stall: "{ no_success_for: 1s }")
        let engine = try await job.engine(
            options: RunOptions(progressInterval: .milliseconds(200), environment: Self.environment),
            environment: Self.environment)
        let start = Date()
        let events = engine.events()
        let watcher = Task { () -> (ThresholdCheck, TimeInterval)? in
            var warning: (ThresholdCheck, TimeInterval)?
            var opened = false
            for await event in events {
                if case .validationWarning(let check) = event.kind, check.check == "stall" {
                    warning = (check, Date().timeIntervalSince(start))
                }
                if case .breakerOpened = event.kind { opened = true }
                if opened, let warning { return warning }
            }
            return warning
        }
        let stopper = Task {
            // The run is stopped once the breaker opened and the warning came (it would wait
            // an hour), or after 30 s.
            _ = await watcher.value
            engine.requestStop(reason: "stopped by the test")
        }
        let timeLimit = Task {
            try await Task.sleep(for: .seconds(30))
            engine.requestStop(reason: "the stall warning did not come within 30 s")
        }
        let summary = await engine.run()
        timeLimit.cancel()
        _ = await stopper.value
        #expect(summary.status == .interrupted)
        #expect(summary.interruption?.contains("stopped by the test") == true)
        let warning = try #require(await watcher.value)
        #expect(warning.0.sentence.hasPrefix("no item has succeeded for "))
        #expect(warning.0.sentence.contains("(stall threshold: no_success_for 1s)"))
        // Not before the limit (a loaded machine may say it later, never sooner).
        #expect(warning.1 >= 0.9)
        let log = try Self.events(engine)
        let opened = try #require(
            log.compactMap { if case .breakerOpened(let report) = $0.kind { report } else { nil } }.first)
        // Opened on the third failure in a row, saying why and when the probe goes.
        #expect(opened.failures == 3)
        #expect(opened.reason.contains("HTTP 429"))
        #expect(try #require(opened.nextProbe) - opened.since >= 0.3)
        // One warning per stall, in the log as any threshold's.
        #expect(
            log.filter { if case .validationWarning(let check) = $0.kind { check.check == "stall" } else { false } }
                .count == 1)
        // Nothing failed: the items wait for the endpoint instead of burning their retries.
        #expect(summary.counts.failed == 0)
    }

    @Test func aStallWithActionAbortEndsTheRunAborted() async throws {
        let server = try LoopbackOpenAIServer { _, _ in .status(503) }
        defer { server.shutdown() }
        let job = try job(server, stall: "{ no_success_for: 600ms, action: abort }")
        let engine = try await job.engine(
            options: RunOptions(progressInterval: .milliseconds(200), environment: Self.environment),
            environment: Self.environment)
        let summary = await engine.run()
        #expect(summary.status == .aborted)
        #expect(summary.verdict?.check?.check == "stall")
        #expect(summary.verdict?.message.contains("no item has succeeded for") == true)
        #expect(summary.counts.completed == 0)
    }

    @Test func theEndpointComingBackClosesTheBreaker() async throws {
        let calls = Counter()
        let server = try LoopbackOpenAIServer { _, body in
            calls.next() <= 4 ? .status(503) : OpenAIProviderTests.good(body)
        }
        defer { server.shutdown() }
        let job = try job(server, stall: "{ no_success_for: 1h }", items: 4)
        let engine = try await job.engine(
            options: RunOptions(progressInterval: .milliseconds(200), environment: Self.environment),
            environment: Self.environment)
        let summary = await engine.run()
        #expect(summary.counts.succeeded == 4)
        let log = try Self.events(engine)
        let types = log.map(\.type)
        let opened = try #require(types.firstIndex(of: "breaker.opened"))
        let closed = try #require(types.firstIndex(of: "breaker.closed"))
        #expect(opened < closed)
        #expect(!types.contains("validation.warning"))
    }
}

/// Counts calls across the server's threads.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}
