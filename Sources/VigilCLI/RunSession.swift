import ArgumentParser
import Foundation
import Logging
import Vigil

/// What `vigil run`, `resume`, `rerun` and `--retry-failed` share once an engine exists:
/// the job's consumers, Ctrl-C handling, the final report and the exit status.
enum RunSession {
    /// The logger the job's `log` consumer asks for (warnings only without one).
    static func logger(for spec: JobSpec) -> Logger {
        var logger = Logger(label: "vigil")
        let logConsumer = spec.consumers.first { $0.kind == .log }
        logger.logLevel = logConsumer.flatMap { $0.logLevel.flatMap(Logger.Level.init(rawValue:)) } ?? .warning
        return logger
    }

    /// Opens a run folder (or its manifest) and loads the job it ran, from the copy in the
    /// folder; says what is wrong and throws the exit status when either cannot be done.
    static func openRecorded(_ path: String) throws -> (RecordedRun, JobSpec) {
        let recorded: RecordedRun
        do {
            recorded = try RecordedRun(at: path)
        } catch {
            throw CommandFailure("", error)
        }
        let validation = recorded.loadJob()
        guard let spec = validation.job else {
            Console.error(DiagnosticRenderer(format: .text).render(validation.diagnostics))
            throw CommandFailure(
                "the job of run \(recorded.manifest.runID) (its copy, \(recorded.folder.jobCopy.path)) does not pass validation now; "
                    + "fix what is listed above; nothing was run", .invalidJobOrUsage)
        }
        return (recorded, spec)
    }

    /// Runs the engine to its end and throws the exit status of how it ended.
    static func execute(_ engine: RunEngine, spec: JobSpec, quiet: Bool, stops: StopRequests) async throws {
        // The job's log, command and webhook consumers are the engine's own; a terminal
        // adds the progress line.
        if !quiet && spec.consumers.contains(where: { $0.kind == .progress }) { engine.add(ProgressConsumer()) }
        // What cannot be opened (a log, a consumer's file) is said here, before anything is sent.
        try engine.start()
        let summary = await stops.run(engine)
        Console.error(
            RunReport.lines(summary, metrics: spec.consumers.contains { $0.kind == .metrics }).joined(separator: "\n"))
        if summary.status != .completed { throw CommandFailure.exit(summary.status.exitStatus) }
    }

    /// Prints drift the way a person checks it, one pin per line.
    static func report(_ drift: [Drift], allowed: Bool) {
        let heading =
            allowed
            ? "warning: running despite drift (--allow-drift; recorded in the new manifest):"
            : "error: the run's pins have drifted:"
        Console.error(([heading] + Drift.lines(drift).map { "  \($0)" }).joined(separator: "\n"))
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
            // A budget's verdict counts the items it did not send itself.
            let rest = summary.verdict?.stopsAtOnce == false ? "." : "; the rest were not sent."
            lines.append(
                "ABORTED: \(summary.verdict?.message ?? "stopped"). \(counts.completed) of \(counts.total) items were processed\(rest)"
            )
            if let cost = summary.cost, cost.exhausted {
                let flag = cost.budget?.maxCost != nil ? "--max-cost USD" : "--max-tokens N"
                lines.append(
                    "To send the rest under a higher cap (what was spent counts against it): vigil resume \(shellQuoted(summary.folder.url.path)) \(flag)"
                )
            }
        case .failed:
            lines.append("FAILED: no item succeeded (\(counts.failed) of \(counts.total) failed).")
        case .interrupted:
            lines.append(
                "INTERRUPTED after \(counts.completed) of \(counts.total) items"
                    + (summary.interruption.map { ": \($0)." } ?? "."))
            lines.append(
                "To continue where it stopped (no item is done twice or lost): vigil resume \(shellQuoted(summary.folder.url.path))"
            )
            if summary.batchesRunning > 0 {
                let batches =
                    summary.batchesRunning == 1 ? "provider batch" : "\(summary.batchesRunning) provider batches"
                lines.append(
                    "To cancel the \(batches) still running instead (what they finished is kept): vigil cancel \(shellQuoted(summary.folder.url.path))"
                )
            }
        default:
            lines.append(
                "completed: \(counts.succeeded) of \(counts.total) items succeeded (\(rate)), \(counts.failed) failed, in \(String(format: "%.1f", summary.duration)) s."
            )
        }
        if let cost = summary.cost, !cost.spend.isUnknown || cost.budget != nil {
            lines.append(costLine(summary.spend, budget: cost.budget))
        }
        if let projection = summary.projection {
            lines.append(contentsOf: projection.lines)
        } else if summary.isCanary {
            lines.append(
                "projection: none; it needs at least 2 ended canary items (this canary ended \(counts.completed)): run a larger canary (--canary N)"
            )
        }
        if metrics {
            let p = summary.progress
            func ms(_ value: Double?) -> String { value.map { String(format: "%.0f ms", $0) } ?? "-" }
            lines.append(
                "metrics: \(String(format: "%.2f", p.itemsPerSecond)) items/s, latency p50 \(ms(p.latencyP50)), p95 \(ms(p.latencyP95)), p99 \(ms(p.latencyP99))"
            )
        }
        for (consumer, count) in summary.droppedEvents.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "warning: \(count) events were dropped for the slow consumer \(consumer) (all are in events.jsonl)")
        }
        for (consumer, count) in summary.undeliveredEvents.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "warning: \(count) events were not delivered to \(consumer): it was still taking them when the run had ended (the wait after the end is bounded; all are in events.jsonl)"
            )
        }
        let folder = summary.folder.url.path
        lines.append(
            "results: \(folder)/results.jsonl (\(counts.succeeded)), failures: \(folder)/failed.jsonl (\(counts.failed)), events: \(folder)/events.jsonl"
        )
        return lines
    }

    /// "cost: $3.41 spent of budget.max_cost $25.00 (12,345 tokens)".
    static func costLine(_ totals: SpendLedger.Totals, budget: BudgetSpec?) -> String {
        var line = "cost: \(totals.spent.cost) spent"
        if let maxCost = budget?.maxCost { line += " of budget.max_cost \(maxCost)" }
        line += ", \(totals.spent.tokens) tokens"
        if let maxTokens = budget?.maxTokens { line += " of budget.max_tokens \(maxTokens)" }
        if totals.unconfirmed.cost > .zero || totals.unconfirmed.tokens > 0 {
            line += "; up to \(totals.unconfirmed.cost) more may be billed for requests that got no answer"
        }
        if totals.overruns > 0 {
            line +=
                "; warning: \(totals.overruns) answers cost more than their reservation (their input was estimated too low)"
        }
        return line
    }

    /// A path as a shell reads it back (quoted only when it must be).
    static func shellQuoted(_ path: String) -> String {
        let plain = path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:@".contains($0) }
        return plain ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
