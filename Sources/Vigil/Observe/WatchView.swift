import Foundation

/// What `vigil watch` shows of a run, from its replayed log: a few lines a person reads from
/// another terminal (counts, rate, ETA, success rate, latency percentiles, cost, in flight
/// or what the run waits for, the last failures grouped by message).
package enum WatchView {
    /// Whether a process runs the folder now.
    package enum Liveness: Sendable, Equatable {
        /// A process holds the run's lock (its pid).
        case running(pid: String)
        /// No process holds it, and the log has an end event.
        case ended
        /// No process holds it and the log has no end: it crashed or was killed.
        case crashed
    }

    /// The lines, without newlines.
    package static func lines(
        _ replay: RunReplay, liveness: Liveness, folder: String, now: Double = Timestamp.now(), failures: Int = 3
    ) -> [String] {
        var lines: [String] = []
        let state: String
        switch liveness {
        case .running(let pid): state = "running (process \(pid))"
        case .ended:
            state =
                replay.ending.map { $0.status.rawValue.uppercased() + ($0.reason.map { ": " + $0 } ?? "") } ?? "ended"
        case .crashed: state = "NOT RUNNING: it stopped without ending (a crash or kill -9)"
        }
        lines.append("run \(replay.run ?? "?")" + (replay.job.map { " (\($0))" } ?? "") + " · " + state)
        let total = max(replay.total, replay.completed)
        let percent = total == 0 ? 0 : Int(Double(replay.completed) / Double(total) * 100)
        var line = "[\(replay.completed)/\(total)] \(percent)%"
        if let progress = replay.progress, liveness != .ended {
            line += " · " + String(format: "%.1f", progress.itemsPerSecond) + " items/s"
            if let eta = progress.etaSeconds { line += " · ETA \(ThresholdCheck.duration(eta))" }
        } else if let first = replay.starts.first, let last = replay.lastEvent {
            line += " · in \(ThresholdCheck.duration(last - first))"
        }
        line +=
            " · success "
            + (replay.completed == 0
                ? "-"
                : ThresholdCheck.percent((Double(replay.succeeded) / Double(replay.completed) * 1000).rounded() / 1000))
        if let p50 = replay.latency.percentile(0.5), let p95 = replay.latency.percentile(0.95),
            let p99 = replay.latency.percentile(0.99)
        {
            line +=
                " · latency p50 \(EventText.milliseconds(p50)) p95 \(EventText.milliseconds(p95)) p99 \(EventText.milliseconds(p99))"
        }
        if let spent = replay.spent { line += " · \(spent)" + (replay.maxCost.map { " of \($0)" } ?? "") }
        lines.append(line)
        if case .running = liveness {
            if let breaker = replay.breaker {
                lines.append(ProgressConsumer.waitingText(breaker, now: now))
            } else if !replay.batches.isEmpty {
                lines.append(ProgressConsumer.batchText(replay.batches.values))
            } else {
                lines.append(
                    "in flight \(replay.itemsInFlight.count)"
                        + (replay.retries.isEmpty
                            ? ""
                            : " · \(replay.retries.count) retries ("
                                + replay.retriesByCause.prefix(3).map { "\($0.cause) \($0.count)" }.joined(
                                    separator: ", ") + ")"))
            }
        }
        let groups = replay.failureGroups.sorted { $0.last > $1.last }.prefix(failures)
        if !groups.isEmpty {
            lines.append("last failures:")
            for group in groups {
                let message = group.message.count > 120 ? group.message.prefix(119) + "…" : Substring(group.message)
                lines.append("  \(group.count) × \(group.kind): \(message) (e.g. \(group.examples.first ?? "?"))")
            }
        }
        if liveness == .crashed {
            lines.append("continue it (no item is done twice or lost): vigil resume \(folder)")
        }
        return lines
    }
}
