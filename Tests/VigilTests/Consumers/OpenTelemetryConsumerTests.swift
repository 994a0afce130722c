import Foundation
import Testing
import Vigil

/// The `opentelemetry` consumer against a real OTLP/HTTP receiver on 127.0.0.1 that decodes
/// the protobuf it is sent.
@Suite struct OpenTelemetryConsumerTests {
    /// Items 3, 6, 9 and 12 fail their first attempt (the program exits 3) and succeed on the
    /// second; items 4 and 8 answer something the schema refuses.
    static func job(items: Int = 12, traced: Bool = true) throws -> TemporaryJob {
        let extractor = TemporaryJob.extractor(
            """
            import os, sys
            mark = "seen-%d" % n
            if n % 3 == 0 and not os.path.exists(mark):
                open(mark, "w").close()
                sys.exit(3)
            answer = {"n": 0 if n % 4 == 0 and n % 3 else n}
            """)
        return try TemporaryJob(
            items: items, extractor: extractor, extra: traced ? "consumers:\n  - { type: opentelemetry }\n" : "",
            thresholds: "")
    }

    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let parentSpanID = "00f067aa0ba902b7"

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func aRunIsOneSpanAndEachAttemptOneChildUnderTheCallersTrace() throws {
        let receiver = try LoopbackOTLPReceiver()
        defer { receiver.shutdown() }
        let job = try Self.job()
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path, "--quiet"],
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                "OTEL_SERVICE_NAME": "vigil-test",
                "TRACEPARENT": "00-\(Self.traceID)-\(Self.parentSpanID)-01",
            ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(!outcome.standardError.contains("were not exported"), "\(outcome.standardError)")
        let spans = receiver.spans
        let runs = spans.filter { $0.name == "vigil.run" }
        try #require(runs.count == 1, "\(spans.map(\.name))")
        let run = runs[0]
        // The caller's trace: the run's span is the child of TRACEPARENT's span.
        #expect(Self.hex(run.traceID) == Self.traceID)
        #expect(Self.hex(run.parentSpanID) == Self.parentSpanID)
        #expect(run.attributes["vigil.job"] == "test-job")
        #expect(run.attributes["vigil.status"] == "completed")
        let attempts = spans.filter { $0.name == "vigil.item" }
        // 12 items, 4 of them tried twice.
        #expect(
            attempts.count == 16,
            "\(attempts.map { "\($0.attributes["vigil.item"] ?? "?") #\($0.attributes["vigil.attempt"] ?? "?")" })")
        #expect(attempts.allSatisfy { $0.parentSpanID == run.spanID && $0.traceID == run.traceID })
        #expect(attempts.allSatisfy { $0.start >= run.start && $0.end <= run.end && $0.start <= $0.end })
        let retried = attempts.filter { $0.attributes["vigil.outcome"] == "retried" }
        #expect(
            Set(retried.compactMap { $0.attributes["vigil.item"] }) == [
                "items/item-003.txt", "items/item-006.txt", "items/item-009.txt", "items/item-012.txt",
            ])
        #expect(retried.allSatisfy { $0.attributes["vigil.attempt"] == "1" && $0.statusCode == 2 })
        let second = attempts.filter { $0.attributes["vigil.attempt"] == "2" }
        #expect(second.count == 4 && second.allSatisfy { $0.attributes["vigil.outcome"] == "succeeded" })
        let failed = attempts.filter { $0.attributes["vigil.outcome"] == "failed" }
        #expect(Set(failed.compactMap { $0.attributes["vigil.item"] }) == ["items/item-004.txt", "items/item-008.txt"])
        #expect(failed.allSatisfy { $0.attributes["vigil.error.cause"] == "schema" && $0.statusCode == 2 })
        #expect(attempts.filter { $0.attributes["vigil.outcome"] == "succeeded" }.count == 10)
    }

    @Test func anUnreachableCollectorNeitherSlowsNorFailsTheRunAndItsDropsAreSaid() throws {
        // A port that was listening and is closed now.
        let closed = try LoopbackOTLPReceiver()
        let endpoint = closed.endpoint
        closed.shutdown()
        let clock = ContinuousClock()
        let job = try Self.job(traced: false)
        var start = clock.now
        let plain = try TestEnvironment.run(TestEnvironment.vigil, ["run", job.path, "--quiet"])
        let withoutCollector = clock.now - start
        #expect(plain.status == 0)
        let again = try Self.job()
        start = clock.now
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", again.path, "--quiet"],
            environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"])
        let withDeadCollector = clock.now - start
        #expect(outcome.status == 0, "\(outcome.standardError)")
        // Every span is said to be dropped: 1 run + 16 attempts.
        #expect(
            outcome.standardError.contains("OpenTelemetry: 17 of 17 spans were not exported to \(endpoint)"),
            "\(outcome.standardError)")
        // At most the flush limit (2 s) more, with room for a loaded machine.
        #expect(withDeadCollector < withoutCollector + .seconds(6), "\(withDeadCollector) against \(withoutCollector)")
    }
}
