public import Foundation
public import Logging

/// The consumers a job declares (`consumers:`), built by the library so that a Swift
/// program embedding Vigil gets the same run as `vigil run`: `log` (into the run's
/// logger), `command` and `webhook`. `progress` and `metrics` belong to a terminal: the
/// caller adds them if it has one (the CLI does).
public enum DeclaredConsumers {
    /// A declared consumer that cannot be built (its URL variable is not set).
    public struct Unavailable: Error, CustomStringConvertible {
        /// What is missing and how to fix it.
        public var description: String
    }

    /// The buffered consumers the job declares, in its order.
    /// - Parameters:
    ///   - reporter: where a consumer reports its own failures (`consumer.failed`).
    ///   - environment: where `url_env` is read.
    public static func make(
        for job: JobSpec, logger: Logger, reporter: EventBus,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Unavailable) -> [any AsyncEventConsumer] {
        var consumers: [any AsyncEventConsumer] = []
        for (index, consumer) in job.consumers.enumerated() {
            let types = consumer.events.map(Set.init)
            switch consumer.kind {
            case .log:
                consumers.append(LogConsumer(logger: logger))
            case .command:
                consumers.append(
                    CommandConsumer(
                        arguments: consumer.command ?? [], folder: job.folder, eventTypes: types, logger: logger))
            case .webhook:
                let variable = consumer.urlEnvironment ?? ""
                guard let url = Secret(environmentVariable: variable, in: environment) else {
                    throw Unavailable(
                        description:
                            "consumers[\(index)]: the environment variable \(variable) (url_env) is not set; set it to the webhook's URL, or remove the consumer"
                    )
                }
                consumers.append(
                    WebhookConsumer(
                        url: url, format: WebhookConsumer.Format(rawValue: consumer.webhookFormat ?? "json") ?? .json,
                        eventTypes: types,
                        reporter: reporter))
            case .progress, .metrics, .prometheus, .opentelemetry:
                continue
            }
        }
        return consumers
    }

    /// The `prometheus` and `opentelemetry` consumers the job declares: inline (every event
    /// counts), with work of their own beside the run.
    /// - Parameters:
    ///   - runID: the run's id and `promptSHA256` the digest of the prompt it sends
    ///     (`vigil_run_info`'s labels).
    ///   - environment: where the OTEL_* variables and `TRACEPARENT` are read.
    public static func exporters(
        for job: JobSpec, runID: String, promptSHA256: String, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Unavailable) -> [any RunExporter] {
        var exporters: [any RunExporter] = []
        for (index, consumer) in job.consumers.enumerated() where consumer.kind == .opentelemetry {
            // The standard switch that turns OpenTelemetry off, for a run or a machine.
            if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" {
                logger.notice("consumers[\(index)] (opentelemetry): OTEL_SDK_DISABLED is true; no spans are exported")
                continue
            }
            do {
                exporters.append(try OpenTelemetryExporter(environment: environment, logger: logger))
            } catch {
                throw Unavailable(
                    description:
                        "consumers[\(index)] (opentelemetry): \(error); check the OTEL_* variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf or grpc)"
                )
            }
        }
        for (index, consumer) in job.consumers.enumerated() where consumer.kind == .prometheus {
            var address: PrometheusExporter.ListenAddress?
            if let listen = consumer.listen {
                guard let parsed = PrometheusExporter.ListenAddress(listen) else {
                    throw Unavailable(
                        description:
                            "consumers[\(index)].listen: \(listen) is not an address to listen on; write host:port (e.g. 127.0.0.1:9464) or a port"
                    )
                }
                address = parsed
            }
            let metrics = RunMetrics(
                job: job.name, runID: runID, promptSHA256: promptSHA256, started: Date().timeIntervalSince1970)
            exporters.append(
                PrometheusExporter(
                    metrics: metrics, textfile: consumer.textfile.map(job.url), listen: address,
                    interval: consumer.interval.map { .milliseconds(Int64($0.seconds * 1000)) } ?? .seconds(5),
                    logger: logger))
        }
        return exporters
    }
}

extension DeclaredConsumers.Unavailable: ExitStatusError {
    /// A job that cannot run as written: exit 2.
    public var exitStatus: ExitStatus { .invalidJobOrUsage }
}
