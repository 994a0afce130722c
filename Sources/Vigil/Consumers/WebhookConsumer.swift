public import AsyncHTTPClient
import Foundation
import JSONSchema
import NIOCore
import NIOHTTP1

/// `webhook`: POSTs each selected event to the URL in `url_env` — the event's JSON, or a
/// Slack-compatible `{"text": ...}` with `format: slack`. Behind a bounded buffer; each
/// delivery is tried three times; a delivery that fails is reported as `consumer.failed`
/// (without the URL, which is a secret), never as a failure of the run.
public struct WebhookConsumer: AsyncEventConsumer {
    /// The body posted: the event's JSON, or a Slack-compatible `{"text": ...}`.
    public enum Format: String, Sendable { case json, slack }

    let url: Secret
    let format: Format
    /// The event types it posts (nil: all).
    public let eventTypes: Set<String>?
    let reporter: EventBus?
    let client: HTTPClient
    let retryDelay: Duration
    /// `webhook` (never the URL: it is a secret).
    public var name: String { "webhook" }
    /// Events that may wait for delivery before further ones are dropped and counted.
    public var bufferCapacity: Int { 256 }

    /// A webhook to `url`; `reporter` receives its `consumer.failed` events.
    public init(
        url: Secret, format: Format, eventTypes: Set<String>?, reporter: EventBus?, client: HTTPClient = .shared,
        retryDelay: Duration = .milliseconds(500)
    ) {
        self.url = url
        self.format = format
        self.eventTypes = eventTypes
        self.reporter = reporter
        self.client = client
        self.retryDelay = retryDelay
    }

    /// Posts the event (secrets masked), three attempts with backoff; a failure is reported, never fatal.
    public func consume(_ event: RunEvent) async {
        let body: String
        switch format {
        case .json: body = Redaction.masked(event.jsonText)
        case .slack:
            let message: JSONValue = ["text": .string(Self.sentence(event))]
            body = Redaction.masked(message.jsonText())
        }
        var problem = ""
        for attempt in 1...3 {
            var request = HTTPClientRequest(url: url.reveal())
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
            do {
                let response = try await client.execute(request, timeout: .seconds(10))
                _ = try? await response.body.collect(upTo: 1 << 16)
                let status = Int(response.status.code)
                if (200..<300).contains(status) { return }
                problem = "HTTP \(status)"
                if (400..<500).contains(status) && status != 408 && status != 429 { break }
            } catch {
                // The error could name the URL; say only what kind of failure it was.
                problem =
                    error is HTTPClientError
                    ? "the endpoint could not be reached or did not answer" : "the request failed"
            }
            if attempt < 3 { try? await Task.sleep(for: retryDelay * (1 << (attempt - 1))) }
        }
        reporter?.publish(
            .consumerFailed(
                consumer: name, event: event.type, message: "webhook delivery of \(event.type) failed: \(problem)"))
    }

    /// One line for a chat message.
    static func sentence(_ event: RunEvent) -> String {
        let run = "Vigil run \(event.run)"
        switch event.kind {
        case .runStarted(let started): return "\(run) started: \(started.job), \(started.total) items"
        case .runCompleted(let counts):
            return
                "\(run) completed: \(counts.succeeded) of \(counts.total) items succeeded (\(ThresholdCheck.percent(counts.successRate)))"
        case .runAborted(let verdict, let counts):
            return "\(run) ABORTED after \(counts.completed) items: \(verdict.message)"
        case .runFailed(let message, _): return "\(run) FAILED: \(message)"
        case .runInterrupted(let reason, let counts):
            return "\(run) interrupted after \(counts.completed) items (\(reason)); resume it with vigil resume"
        case .validationWarning(let check), .validationFailed(let check): return "\(run): \(check.sentence)"
        case .breakerOpened(let report):
            return "\(run) is waiting for the endpoint: \(report.reason) (since \(Timestamp.iso8601(report.since)))"
        case .breakerClosed(let report):
            return "\(run): the endpoint answers again after \(ThresholdCheck.duration(event.time - report.since))"
        case .batchSubmitted(let report): return "\(run): batch \(report.batch) submitted, \(report.requests) requests"
        case .batchCompleted(let report):
            return "\(run): batch \(report.batch) completed, \(report.completed) answered, \(report.failed) failed"
        case .batchFailed(let report):
            return "\(run): batch \(report.batch) \(report.state)\(report.message.map { ": " + $0 } ?? "")"
        default: return "\(run): \(event.type)"
        }
    }
}
