public import Logging
import OTel
import ServiceLifecycle
import Synchronization
import Tracing

/// The `opentelemetry` consumer: the run as spans (`RunSpans`), exported over OTLP by
/// swift-otel as the standard variables say (`OTEL_EXPORTER_OTLP_ENDPOINT`,
/// `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_SERVICE_NAME`, ...). When `TRACEPARENT` is set (a CI
/// system or a scheduler started Vigil inside a trace), the run's span is its child.
///
/// Export runs beside the run, in batches: a collector that is slow or unreachable never
/// slows or fails the run. At the end the exporter gets `flushLimit` to send what is left;
/// spans it did not take are counted and said (`dropped`).
public final class OpenTelemetryExporter: RunExporter {
    private let record: @Sendable (RunEvent) -> Void
    private let endedSpans: @Sendable () -> Int
    private let service: any Service
    private let diagnostics: ExportDiagnostics
    private let logger: Logger
    private let flushLimit: Duration
    private let group = Mutex<ServiceGroup?>(nil)
    private let stopped = Mutex(false)

    /// Where OTLP goes (for messages): the endpoint variable's value, or the default.
    public let endpoint: String

    /// A tracer built from `environment`'s OTEL_* variables (swift-otel reads them).
    public init(environment: [String: String], logger: Logger, flushLimit: Duration = .seconds(2)) throws {
        let diagnostics = ExportDiagnostics()
        var configuration = OTel.Configuration.default
        configuration.serviceName = "vigil"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        // Short batches: a run's spans reach the collector while it goes on.
        configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        configuration.diagnosticLogger = .custom(
            Logger(label: "vigil.opentelemetry") { _ in ExportDiagnostics.Handler(diagnostics: diagnostics) })
        let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
        var parent = ServiceContext.topLevel
        if let traceparent = environment["TRACEPARENT"] {
            let carrier = ["traceparent": traceparent, "tracestate": environment["TRACESTATE"] ?? ""]
            tracer.extract(carrier, into: &parent, using: DictionaryExtractor())
        }
        let spans = RunSpans(tracer: tracer, parent: parent)
        record = { spans.record($0) }
        endedSpans = { spans.ended }
        self.service = service
        self.diagnostics = diagnostics
        self.logger = logger
        self.flushLimit = flushLimit
        endpoint =
            environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"]
            ?? "the default OTLP endpoint (localhost:4318)"
    }

    public func consume(_ event: RunEvent) -> ConsumerDecision {
        record(event)
        return .proceed
    }

    /// Exports until `finish()`.
    public func run() async {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service)], gracefulShutdownSignals: [],
                logger: Logger(label: "vigil.opentelemetry")))
        self.group.withLock { $0 = group }
        try? await group.run()
        stopped.withLock { $0 = true }
    }

    /// After the run's last event: what is left is sent (for at most `flushLimit`), and the
    /// spans the collector did not take are said.
    public func finish() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
        let deadline = ContinuousClock.now + flushLimit
        while !stopped.withLock({ $0 }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let ended = endedSpans()
        let dropped = max(0, ended - diagnostics.exported)
        if dropped > 0 {
            logger.warning(
                "OpenTelemetry: \(dropped) of \(ended) spans were not exported to \(endpoint)\(diagnostics.firstFailure.map { " (\($0))" } ?? ""); the run's events are all in events.jsonl"
            )
        }
    }

    /// Spans the exporter took so far, and dropped, from swift-otel's own diagnostics.
    public var counts: (ended: Int, exported: Int) { (endedSpans(), diagnostics.exported) }
}

/// A string-keyed carrier for `TRACEPARENT`.
private struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// What swift-otel's exporter says of its batches (its diagnostic log is the only place it
/// says so): how many spans were exported, and the first failure.
final class ExportDiagnostics: Sendable {
    private let state = Mutex<(exported: Int, firstFailure: String?)>((0, nil))

    var exported: Int { state.withLock { $0.exported } }
    var firstFailure: String? { state.withLock { $0.firstFailure } }

    /// Receives swift-otel's diagnostics at every level (it needs `debug` to say "Exported
    /// batch."), whatever level is asked for (`OTEL_LOG_LEVEL`), and prints none of them.
    struct Handler: LogHandler {
        let diagnostics: ExportDiagnostics
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level {
            get { .debug }
            set {}
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let size = (event.metadata?["batch_size"] ?? metadata["batch_size"]).flatMap { Int("\($0)") } ?? 0
            if event.message.description == "Exported batch." {
                diagnostics.state.withLock { $0.exported += size }
            } else if event.level >= .warning {
                let reason = event.metadata?["error"].map { "\($0)" } ?? event.message.description
                diagnostics.state.withLock { if $0.firstFailure == nil { $0.firstFailure = reason } }
            }
        }
    }
}
