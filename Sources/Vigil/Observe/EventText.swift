import Foundation

/// One event as one line a person reads (`vigil events --format text`, `vigil watch`):
/// `18:04:05.123 #12 item.failed items/a.txt: schema: $.n: must be an integer`.
package enum EventText {
    /// The line, without a newline; times in UTC.
    package static func line(_ event: RunEvent) -> String {
        let time = Timestamp.iso8601(event.time)
        let clock = time.split(separator: "T").last.map { String($0.dropLast()) } ?? time
        return "\(clock) #\(event.sequence) \(event.type)" + (detail(event).map { " " + $0 } ?? "")
    }

    /// What the event says beyond its type.
    static func detail(_ event: RunEvent) -> String? {
        switch event.kind {
        case .runStarted(let started):
            return "\(started.job): \(started.total) items, concurrency \(started.concurrency), \(started.provider)"
        case .runCompleted(let counts): return counts.sentence
        case .runAborted(let verdict, let counts): return "\(verdict.message) (\(counts.sentence))"
        case .runFailed(let reason, let counts), .runInterrupted(let reason, let counts):
            return "\(reason) (\(counts.sentence))"
        case .runResumed(let resumed): return "from \(resumed.counts.sentence)"
        case .itemStarted(let item, let attempt): return attempt > 1 ? "\(item) (attempt \(attempt))" : item
        case .itemCompleted(let report, _):
            return "\(report.item) in \(Self.milliseconds(report.latencyMilliseconds))"
                + (report.attempt > 1 ? " (attempt \(report.attempt))" : "")
                + (report.spend.map { ", \($0.charged)" } ?? "") + (report.cached ? " (cached)" : "")
        case .itemFailed(let report, let failure):
            return "\(report.item): \(failure.kind.rawValue): \(failure.message)"
                + (report.attempt > 1 ? " (after \(report.attempt) attempts)" : "")
                + (report.cached ? " (cached)" : "")
        case .itemRetrying(let item, let attempt, let delay, let reason):
            return "\(item): attempt \(attempt) in \(Self.milliseconds(delay)): \(reason)"
        case .validationCheckpoint(let check), .validationWarning(let check), .validationFailed(let check):
            return check.sentence
        case .referenceChecked(let report): return report.message
        case .checkpointSaved(let completed): return "\(completed) items"
        case .progress(let progress):
            return
                "\(progress.counts.sentence), \(progress.inFlight) in flight, \(String(format: "%.2f", progress.itemsPerSecond)) items/s"
                + (progress.spent.map { ", \($0)" } ?? "")
        case .breakerOpened(let report):
            return "\(report.reason); \(report.failures) failures in a row"
                + (report.nextProbe.map { ", next probe in \(ThresholdCheck.duration(max(0, $0 - event.time)))" } ?? "")
        case .breakerClosed(let report):
            return "the endpoint answers again after \(ThresholdCheck.duration(event.time - report.since))"
        case .batchSubmitted(let report), .batchProgress(let report), .batchCompleted(let report),
            .batchFailed(let report):
            return "\(report.batch) \(report.state): \(report.completed + report.failed)/\(report.requests) answered"
                + (report.message.map { "; \($0)" } ?? "")
        case .consumerFailed(let consumer, let type, let message): return "\(consumer) (\(type)): \(message)"
        }
    }

    static func milliseconds(_ value: Double) -> String {
        value >= 10_000 ? ThresholdCheck.duration(value / 1000) : "\(Int(value.rounded())) ms"
    }
}

extension RunCounts {
    /// `21 of 24 succeeded, 3 failed`.
    package var sentence: String { "\(completed) of \(total) ended: \(succeeded) succeeded, \(failed) failed" }
}
