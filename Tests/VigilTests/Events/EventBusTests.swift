import Foundation
import JSONSchema
import Testing
import Vigil

@Suite struct EventBusTests {
    /// A reference verdict with a disagreement: known and got values of several JSON types.
    static let referenceReport: ReferenceReport = {
        var table = AgreementTable(fields: [
            ComparedField(name: "scientificName", comparison: .normalized),
            ComparedField(name: "elevation", comparison: .number(tolerance: 5)),
        ])
        table.compare(
            item: "a", expected: ["scientificName": "carex", "elevation": 120], answer: ["scientificName": "Poa"])
        return ReferenceReport(
            items: 8, judged: 1, skipped: 0, minimumAgreement: 0.9, action: "abort", passed: false, early: true,
            table: table)
    }()

    static let allKinds: [RunEvent.Kind] = [
        .runStarted(RunStarted(job: "j", total: 3, concurrency: 2, provider: "command [x]")),
        .runCompleted(RunCounts(total: 3, succeeded: 2, failed: 1)),
        .runAborted(
            Verdict(
                check: ThresholdCheck(
                    check: "early", completed: 5, value: 0, limit: 0.5, passed: false, action: "abort"), message: "m"),
            RunCounts(total: 9, succeeded: 0, failed: 5)),
        .runFailed(message: "none", RunCounts(total: 1, succeeded: 0, failed: 1)),
        .runInterrupted(reason: "SIGINT", RunCounts(total: 4, succeeded: 1, failed: 0)),
        .runResumed(
            RunResumed(
                counts: RunCounts(total: 4, succeeded: 1, failed: 0), repairedBytes: ["results.jsonl": 17],
                recoveredItems: 1)),
        .itemStarted(item: "a\"b\n", attempt: 1),
        .itemCompleted(
            ItemReport(item: "a", attempt: 2, latencyMilliseconds: 12.5), result: ["x": [1, 2.5, "é"], "y": nil]),
        .itemFailed(
            ItemReport(
                item: "b", attempt: 1, latencyMilliseconds: 3,
                usage: TokenUsage(promptTokens: 1_200, completionTokens: 40, cachedPromptTokens: 1_024),
                spend: Spend(
                    charged: Dollars(usd: 0.000231)!, priced: Dollars(usd: 0.00022)!, reported: Dollars(usd: 0.000231)!),
                cached: true),
            failure: ItemFailure(.schema, "bad", detail: ["errors": []])),
        .itemRetrying(item: "c", attempt: 2, delayMilliseconds: 100, reason: "timeout"),
        .validationCheckpoint(
            ThresholdCheck(check: "early", completed: 5, value: 1, limit: 0.5, passed: true, action: "abort")),
        .validationWarning(
            ThresholdCheck(check: "progressive", completed: 50, value: 0.6, limit: 0.7, passed: false, action: "warn")),
        .validationFailed(
            ThresholdCheck(check: "window", completed: 100, value: 0.5, limit: 0.6, passed: false, action: "abort")),
        .checkpointSaved(completed: 25),
        .referenceChecked(Self.referenceReport),
        .breakerOpened(
            BreakerReport(
                reason: "HTTP 429: rate limited", since: 1_763_920_700.5, nextProbe: 1_763_920_830.5, failures: 5)),
        .breakerClosed(BreakerReport(reason: "the endpoint answered again", since: 1_763_920_700.5, failures: 9)),
        .batchSubmitted(BatchReport(batch: "batch_1", file: "file-1", state: "validating", requests: 500)),
        .batchProgress(
            BatchReport(
                batch: "batch_1", file: "file-1", state: "in_progress", requests: 500, completed: 130, failed: 2)),
        .batchCompleted(
            BatchReport(batch: "batch_1", file: "file-1", state: "completed", requests: 500, completed: 498, failed: 2)),
        .batchFailed(
            BatchReport(
                batch: "batch_2", file: "file-2", state: "expired", requests: 10, completed: 5,
                message: "5 requests were not run")),
        .progress(
            Progress(
                counts: RunCounts(total: 10, succeeded: 4, failed: 1), inFlight: 2, itemsPerSecond: 1.5,
                etaSeconds: 3.3, latencyP50: 100, latencyP95: 200,
                latencyP99: 300, spent: Dollars(usd: 3.41)!, maxCost: Dollars(usd: 25)!)),
        .consumerFailed(consumer: "webhook", event: "run.completed", message: "HTTP 500"),
    ]

    @Test func everyEventKindSurvivesItsLogLine() throws {
        #expect(
            Self.allKinds.map { RunEvent(sequence: 1, time: 0, run: "r", kind: $0).type }.sorted()
                == RunEvent.allTypes.sorted())
        // The job schema offers consumers exactly the types a consumer can receive.
        let schema = try JSONParser().parse(
            String(
                contentsOf: TestEnvironment.repository.appendingPathComponent("schemas/job.v1.schema.json"),
                encoding: .utf8))
        #expect(
            schema["$defs"]?["eventType"]?["enum"] == .array(EventType.subscribable.map { .string($0.description) }))
        for (index, kind) in Self.allKinds.enumerated() {
            let event = RunEvent(sequence: index + 1, time: 1_763_920_800.123, run: "r", kind: kind)
            let line = event.jsonText
            #expect(!line.contains("\n"))
            let decoded = try RunEvent(json: JSONParser().parse(line))
            #expect(decoded.type == event.type)
            #expect(decoded.sequence == event.sequence)
            #expect(Timestamp.iso8601(decoded.time) == "2025-11-23T18:00:00.123Z")
            // Every payload reads back as it was published, field for field.
            #expect(decoded.kind == kind, "\(event.type) does not read back as written: \(line)")
        }
    }

    @Test func concurrentPublishersGiveAGaplessOrderedLog() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        let log = folder.appendingPathComponent("events.jsonl")
        let bus = try EventBus(run: "r", logURL: log)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<2_000 { bus.publish(.itemStarted(item: "t\(task)-\(index)", attempt: 1)) }
                }
            }
        }
        try bus.close()
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 16_000)
        let sequences = try lines.map { try RunEvent(json: JSONParser().parse(String($0))).sequence }
        #expect(sequences == Array(1...16_000))
    }

    struct Aborter: EventConsumer {
        func consume(_ event: RunEvent) -> ConsumerDecision {
            if case .itemFailed = event.kind { return .abort("too many failures") }
            return .proceed
        }
    }

    @Test func anInlineConsumerCanStopTheRun() throws {
        let bus = try EventBus(run: "r", logURL: nil)
        bus.add(Aborter())
        #expect(bus.publish(.itemStarted(item: "a", attempt: 1)) == .proceed)
        #expect(
            bus.publish(
                .itemFailed(
                    ItemReport(item: "a", attempt: 1, latencyMilliseconds: 1), failure: ItemFailure(.parse, "x")))
                == .abort("too many failures"))
    }

    actor Slow: AsyncEventConsumer {
        nonisolated var name: String { "slow" }
        nonisolated var bufferCapacity: Int { 10 }
        var received = 0
        func consume(_ event: RunEvent) async {
            try? await Task.sleep(for: .milliseconds(5))
            received += 1
        }
    }

    @Test func aSlowConsumerDropsAndCountsInsteadOfStallingTheRun() async throws {
        let bus = try EventBus(run: "r", logURL: nil)
        let slow = Slow()
        bus.add(slow)
        let clock = ContinuousClock()
        let start = clock.now
        async let delivery: Void = bus.deliver()
        for index in 0..<1_000 { bus.publish(.itemStarted(item: "\(index)", attempt: 1)) }
        // Publishing 1,000 events did not wait for a consumer that takes 5 ms each.
        #expect(clock.now - start < .seconds(2))
        let dropped = try bus.close()
        await delivery
        let received = await slow.received
        #expect(dropped["slow", default: 0] > 0)
        #expect(received + dropped["slow", default: 0] == 1_000)
    }
}

@Suite struct TimestampParsingTests {
    @Test func theLogFormIsReadByHandAsFoundationReadsIt() throws {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<2000 {
            let time = Double(generator.next(below: 4_000_000_000_000)) / 1000 - 1_000_000_000
            let text = Timestamp.iso8601(time)
            let fast = try #require(Timestamp.parse(text), "\(text)")
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let slow = try #require(formatter.date(from: text)?.timeIntervalSince1970)
            #expect(abs(fast - slow) < 0.0005, "\(text)")
        }
        #expect(Timestamp.parse("2026-12-03T18:00:00Z") == 1_796_320_800)
        #expect(Timestamp.parse("2026-12-03 18:00:00Z") == nil)
        #expect(Timestamp.parse("2026-13-03T18:00:00Z") == nil)
        #expect(Timestamp.parse("2026-12-03T18:00:00+01:00") == 1_796_317_200)
    }
}
