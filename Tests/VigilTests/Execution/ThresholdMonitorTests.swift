import Foundation
import JSONSchema
import Testing

@testable import Vigil

/// The thresholds' arithmetic, outcome by outcome, and what reaches consumers when a
/// check warns.
@Suite(.timeLimit(.minutes(3))) struct ThresholdMonitorTests {
    /// The findings of each outcome in `outcomes` (`s` success, `f` quality failure), by the
    /// number of outcomes judged when they came.
    func findings(_ spec: ThresholdSpec, _ outcomes: String) -> [(judged: Int, finding: ThresholdMonitor.Finding)] {
        var monitor = ThresholdMonitor(spec: spec)
        var all: [(Int, ThresholdMonitor.Finding)] = []
        for (index, outcome) in outcomes.filter({ $0 != " " }).enumerated() {
            for finding in monitor.record(success: outcome == "s") { all.append((index + 1, finding)) }
        }
        return all
    }

    @Test func aProgressiveCheckWarnsWhenTheRateIsLowAndPassesWhenItIsNot() {
        let spec = ThresholdSpec(progressive: .init(count: 4, minimumSuccessRate: 0.75, action: .warn))
        let found = findings(spec, "ssff ssss ffff")
        #expect(found.map(\.judged) == [4, 8, 12])
        #expect(
            found[0].finding
                == .warning(
                    ThresholdCheck(
                        check: "progressive", completed: 4, value: 0.5, limit: 0.75, passed: false, action: "warn")))
        #expect(
            found[1].finding
                == .passed(
                    ThresholdCheck(
                        check: "progressive", completed: 8, value: 0.75, limit: 0.75, passed: true, action: "warn")))
        // The rate is the run's so far, not the last four's.
        #expect(
            found[2].finding
                == .warning(
                    ThresholdCheck(
                        check: "progressive", completed: 12, value: 0.5, limit: 0.75, passed: false, action: "warn")))
    }

    @Test func aWindowWarnsOncePerBreachAndAgainAfterItRecovers() {
        let spec = ThresholdSpec(window: .init(count: 4, minimumSuccessRate: 0.5, action: .warn))
        // Full at 4 (all good); 3 failures in the last 4 at 7: breached. Still breached at 8
        // and 9: no second warning. Recovered at 10 (2 of 4 meets 50%), breached again at 13.
        let found = findings(spec, "ssss fff f s s ff f")
        #expect(found.map(\.judged) == [7, 13])
        let warning = ThresholdMonitor.Finding.warning(
            ThresholdCheck(check: "window", completed: 4, value: 0.25, limit: 0.5, passed: false, action: "warn"))
        #expect(found.map(\.finding) == [warning, warning])
    }

    @Test func consecutiveFailuresAbortAtTheLimitOnly() {
        let spec = ThresholdSpec(maximumConsecutiveFailures: 3)
        let found = findings(spec, "ff s fff ff")
        #expect(found.map(\.judged) == [6])
        #expect(
            found.first?.finding
                == .failed(
                    ThresholdCheck(
                        check: "max_consecutive_failures", completed: 6, value: 3, limit: 3, passed: false,
                        action: "abort")))
    }

    /// A progressive check that fails warns every consumer and the log, and the run goes on.
    @Test func aProgressiveWarningReachesConsumersAndTheRunGoesOn() async throws {
        let job = try TemporaryJob(
            items: 12, extractor: TemporaryJob.extractor("answer = {\"n\": n if n % 2 == 0 else 0}"),
            thresholds: "thresholds:\n  progressive: { every: 4, min_success_rate: 0.75 }\n", concurrency: 1)
        let engine = try await job.engine()
        let stream = engine.events(buffer: 1000)
        let summary = await engine.run()
        #expect(summary.status == .completed)
        #expect(summary.counts == RunCounts(total: 12, succeeded: 6, failed: 6))
        var received: [RunEvent] = []
        for await event in stream { received.append(event) }
        let warnings = received.filter { $0.eventType == .validationWarning }
        #expect(warnings.count == 3, "\(received.map(\.type))")
        let logged = try job.lines(engine.folder.events).map { try JSONParser().parse($0) }.filter {
            $0["type"] == "validation.warning"
        }
        #expect(logged.count == 3)
        #expect(logged.first?["check"] == "progressive")
        #expect(logged.map { $0["at"] } == [4, 8, 12])
        #expect(logged.first?["value"] == 0.5)
        #expect(logged.first?["limit"] == 0.75)
        #expect(logged.first?["action"] == "warn")
    }
}
