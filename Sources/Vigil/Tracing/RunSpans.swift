import Foundation
import JSONSchema
import Synchronization
import Tracing

/// A run as spans, from its events: one span for the run (a child of `parent`, the trace a
/// CI system or scheduler started Vigil in, when there is one) and one per attempt of each
/// item, with its id, attempt, outcome, error cause, HTTP status, tokens and cost. The
/// spans carry the events' own times, so they say when things happened, not when they were
/// seen.
final class RunSpans<T: Tracer>: Sendable where T.Span: Sendable {
    private let tracer: T
    private let parent: ServiceContext
    private let state = Mutex(State())

    private struct State: @unchecked Sendable {  // spans are Sendable; Mutex holds them
        var run: T.Span?
        var attempts: [String: (span: T.Span, number: Int)] = [:]
        var ended = 0
    }

    /// Spans ended so far (what the exporter was given).
    var ended: Int { state.withLock { $0.ended } }

    init(tracer: T, parent: ServiceContext) {
        self.tracer = tracer
        self.parent = parent
    }

    static func instant(_ time: Double) -> DefaultTracerClock.Timestamp {
        DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: UInt64(max(0, time) * 1_000_000_000))
    }

    func record(_ event: RunEvent) {
        let at = Self.instant(event.time)
        state.withLock { state in
            switch event.kind {
            case .runStarted(let started):
                startRun(&state, at: at, run: event.run, job: started.job, total: started.total, resumed: false)
            case .runResumed(let resumed):
                startRun(&state, at: at, run: event.run, job: nil, total: resumed.counts.total, resumed: true)
            case .itemStarted(let item, let attempt):
                startAttempt(&state, item: item, number: attempt, at: at)
            case .itemRetrying(let item, let attempt, let delay, let reason):
                // The attempt failed; the next starts after the delay (or when the breaker
                // lets it: then at once, its span covering the wait).
                endAttempt(&state, item: item, at: at) { span in
                    span.attributes["vigil.outcome"] = "retried"
                    span.setStatus(Self.error(reason))
                }
                startAttempt(&state, item: item, number: attempt, at: Self.instant(event.time + delay / 1000))
            case .itemCompleted(let report, _):
                endAttempt(&state, item: report.item, at: at) { span in
                    span.attributes["vigil.outcome"] = "succeeded"
                    Self.describe(report, on: span)
                }
            case .itemFailed(let report, let failure):
                endAttempt(&state, item: report.item, at: at) { span in
                    span.attributes["vigil.outcome"] = "failed"
                    span.attributes["vigil.error.cause"] = failure.kind.rawValue
                    if let status = failure.detail?["status"]?.numberValue?.int64Value {
                        span.attributes["http.response.status_code"] = Int(status)
                    }
                    span.setStatus(Self.error(failure.message))
                    Self.describe(report, on: span)
                }
            case .runCompleted, .runAborted, .runFailed, .runInterrupted:
                endRun(&state, at: at, event: event)
            default:
                break
            }
        }
    }

    private func startRun(
        _ state: inout State, at: DefaultTracerClock.Timestamp, run: String, job: String?, total: Int, resumed: Bool
    ) {
        guard state.run == nil else { return }
        let span = tracer.startSpan("vigil.run", context: parent, ofKind: .internal, at: at)
        span.attributes["vigil.run_id"] = run
        if let job { span.attributes["vigil.job"] = job }
        span.attributes["vigil.items"] = total
        span.attributes["vigil.resumed"] = resumed
        state.run = span
    }

    private func startAttempt(_ state: inout State, item: String, number: Int, at: DefaultTracerClock.Timestamp) {
        let span = tracer.startSpan("vigil.item", context: state.run?.context ?? parent, ofKind: .client, at: at)
        span.attributes["vigil.item"] = item
        span.attributes["vigil.attempt"] = number
        state.attempts[item] = (span, number)
    }

    private func endAttempt(
        _ state: inout State, item: String, at: DefaultTracerClock.Timestamp, _ describe: (T.Span) -> Void
    ) {
        guard let attempt = state.attempts.removeValue(forKey: item) else { return }
        describe(attempt.span)
        attempt.span.end(at: at)
        state.ended += 1
    }

    /// An error status with `message` masked: the spans leave the process through swift-otel's
    /// exporter, past every writer that masks secrets, and an endpoint's message may quote
    /// the key (`Incorrect API key provided: sk-...`).
    private static func error(_ message: String) -> SpanStatus {
        SpanStatus(code: .error, message: Redaction.masked(message))
    }

    private static func describe(_ report: ItemReport, on span: T.Span) {
        span.attributes["vigil.cached"] = report.cached
        span.attributes["gen_ai.usage.input_tokens"] = report.usage.promptTokens
        span.attributes["gen_ai.usage.output_tokens"] = report.usage.completionTokens
        if let spend = report.spend { span.attributes["vigil.cost_usd"] = spend.charged.usd }
    }

    private func endRun(_ state: inout State, at: DefaultTracerClock.Timestamp, event: RunEvent) {
        // Attempts still open (a stop while they waited) end with the run.
        for (_, attempt) in state.attempts {
            attempt.span.attributes["vigil.outcome"] = "unfinished"
            attempt.span.end(at: at)
            state.ended += 1
        }
        state.attempts = [:]
        guard let run = state.run else { return }
        run.attributes["vigil.status"] = event.type.replacingOccurrences(of: "run.", with: "")
        if case .runAborted(let verdict, _) = event.kind { run.setStatus(Self.error(verdict.message)) }
        if case .runFailed(let message, _) = event.kind { run.setStatus(Self.error(message)) }
        run.end(at: at)
        state.ended += 1
        state.run = nil
    }
}
