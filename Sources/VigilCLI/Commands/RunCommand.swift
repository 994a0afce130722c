import ArgumentParser
import Foundation
import Logging
import Vigil

/// `vigil run JOB`: validate, then run the job, streaming results and events to the run folder.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Validate a job, then run it: results and events are streamed to runs/<name>/<run-id>/.",
        discussion: """
            Exit status: 0 completed, 2 invalid job or usage, 3 aborted by a threshold,
            4 interrupted, 5 finished but no item succeeded, 6 internal error.
            """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "job"))
    var job: String

    @Option(help: "Run only the first N items and report (a canary run).")
    var canary: Int?

    @Flag(help: "No progress line, even if the job asks for one.")
    var quiet = false

    mutating func validate() throws {
        if let canary, canary < 1 { throw ValidationError("--canary must be at least 1") }
    }

    func run() async throws {
        let validation = JobLoader(purpose: .run).load(job)
        let renderer = DiagnosticRenderer(format: .text)
        guard let spec = validation.job, let count = validation.itemCount else {
            Console.output(renderer.render(validation.diagnostics))
            Console.error("\(job): invalid; nothing was run")
            throw ExitStatus.invalidJobOrUsage.exitCode
        }
        if !validation.diagnostics.isEmpty { Console.error(renderer.render(validation.diagnostics)) }

        let logConsumer = spec.consumers.first { $0.kind == .log }
        var logger = Logger(label: "vigil")
        logger.logLevel = logConsumer.flatMap { $0.logLevel.flatMap(Logger.Level.init(rawValue:)) } ?? .warning
        let engine: RunEngine
        do {
            engine = try await RunEngine(job: spec, options: RunOptions(canary: canary, logger: logger))
        } catch {
            Console.error("error: cannot start the run: \(error)")
            throw ExitStatus.internalError.exitCode
        }
        for consumer in spec.consumers {
            switch consumer.kind {
            case .progress where !quiet:
                engine.add(ProgressConsumer())
            case .log:
                engine.add(LogConsumer(logger: logger))
            case .command:
                engine.add(CommandConsumer(arguments: consumer.command ?? [], folder: spec.folder, eventTypes: consumer.events.map(Set.init), logger: logger))
            case .webhook:
                // Validation for a run has checked the variable is set.
                if let variable = consumer.urlEnvironment, let url = Secret(environmentVariable: variable, in: ProcessInfo.processInfo.environment) {
                    engine.add(
                        WebhookConsumer(
                            url: url, format: WebhookConsumer.Format(rawValue: consumer.webhookFormat ?? "json") ?? .json,
                            eventTypes: consumer.events.map(Set.init), reporter: engine.bus))
                }
            default:
                break
            }
        }
        Console.error("run \(engine.folder.runID): \(count) items" + (canary.map { " (canary: the first \(min($0, count)))" } ?? "") + " -> \(engine.folder.url.path)")
        // First Ctrl-C (or SIGTERM): take no new item, let those in flight finish, write the
        // checkpoint and the manifest. Second: stop at once.
        let runTask = Task { await engine.run() }
        let signals = SignalWatcher { name, count in
            if count == 1 {
                engine.requestStop(reason: "interrupted by \(name)")
                Console.error("\n\(name): taking no new items; the ones in flight are finishing (press Ctrl-C again to stop at once)")
            } else {
                runTask.cancel()
            }
        }
        let summary = await runTask.value
        signals.cancel()
        Console.error(RunReport.lines(summary, metrics: spec.consumers.contains { $0.kind == .metrics }).joined(separator: "\n"))
        switch summary.status {
        case .completed: return
        case .aborted: throw ExitStatus.aborted.exitCode
        case .interrupted: throw ExitStatus.interrupted.exitCode
        case .failed: throw ExitStatus.noSuccess.exitCode
        case .running: throw ExitStatus.internalError.exitCode
        }
    }
}

/// The end-of-run report: the verdict in one line, then where everything is.
enum RunReport {
    static func lines(_ summary: RunSummary, metrics: Bool) -> [String] {
        let counts = summary.counts
        let rate = ThresholdCheck.percent(counts.successRate)
        var lines: [String] = []
        switch summary.status {
        case .aborted:
            lines.append("ABORTED: \(summary.verdict?.message ?? "stopped"). \(counts.completed) of \(counts.total) items were processed; the rest were not sent.")
        case .failed:
            lines.append("FAILED: no item succeeded (\(counts.failed) of \(counts.total) failed).")
        case .interrupted:
            lines.append("INTERRUPTED after \(counts.completed) of \(counts.total) items" + (summary.interruption.map { ": \($0)." } ?? "."))
            lines.append("The other items were not sent. (Continuing this run folder with `vigil resume` is not available yet; rerun with the job for now.)")
        default:
            lines.append("completed: \(counts.succeeded) of \(counts.total) items succeeded (\(rate)), \(counts.failed) failed, in \(String(format: "%.1f", summary.duration)) s.")
        }
        if metrics {
            let p = summary.progress
            func ms(_ value: Double?) -> String { value.map { String(format: "%.0f ms", $0) } ?? "-" }
            lines.append("metrics: \(String(format: "%.2f", p.itemsPerSecond)) items/s, latency p50 \(ms(p.latencyP50)), p95 \(ms(p.latencyP95)), p99 \(ms(p.latencyP99))")
        }
        for (consumer, count) in summary.droppedEvents.sorted(by: { $0.key < $1.key }) {
            lines.append("warning: \(count) events were dropped for the slow consumer \(consumer) (all are in events.jsonl)")
        }
        let folder = summary.folder.url.path
        lines.append("results: \(folder)/results.jsonl (\(counts.succeeded)), failures: \(folder)/failed.jsonl (\(counts.failed)), events: \(folder)/events.jsonl")
        return lines
    }
}
