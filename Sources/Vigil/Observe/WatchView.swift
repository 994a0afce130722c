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

    /// The lines, without newlines, each fitted to the terminal's width when drawn. Below
    /// `TerminalSize.narrowest` columns (`width`), one line: the counts, the success rate, the
    /// state.
    package static func lines(
        _ replay: RunReplay, liveness: Liveness, folder: String, now: Double = Timestamp.now(), failures: Int = 3,
        width: Int? = nil
    ) -> [StatusLine] {
        var progress = ProgressLine(
            counts: RunCounts(
                total: max(replay.total, replay.completed), succeeded: replay.succeeded,
                failed: replay.completed - replay.succeeded))
        if let width, width < TerminalSize.narrowest {
            // The state goes first if the line must lose something, but the last line, which
            // stays, keeps it (wrapping if it must): how a run ended is what is left to know.
            var summary = StatusLine(progress.statusLine.fields + [.init(shortState(replay, liveness), dropRank: 0)])
            if case .running = liveness {} else { summary.keepsWhole = true }
            return [summary]
        }
        // The job's name goes first when the header does not fit: the state matters more.
        let run = "run \(replay.run ?? "?")"
        let state = state(replay, liveness)
        var header = run + (replay.job.map { " (\($0))" } ?? "") + " · " + state
        if let width, header.displayWidth >= width { header = run + " · " + state }
        var lines = [StatusLine(header)]
        if let rate = replay.progress, liveness != .ended {
            progress.itemsPerSecond = rate.itemsPerSecond
            progress.eta = rate.etaSeconds
        }
        if let p50 = replay.latency.percentile(0.5), let p95 = replay.latency.percentile(0.95),
            let p99 = replay.latency.percentile(0.99)
        {
            progress.latency =
                "latency p50 \(EventText.milliseconds(p50)) p95 \(EventText.milliseconds(p95)) p99 \(EventText.milliseconds(p99))"
        }
        progress.spent = replay.spent
        progress.maxCost = replay.maxCost
        var statusLine = progress.statusLine
        if replay.progress == nil || liveness == .ended, let first = replay.starts.first, let last = replay.lastEvent {
            statusLine.fields.insert(.init("in \(ThresholdCheck.duration(last - first))", dropRank: 1), at: 1)
        }
        lines.append(statusLine)
        // A coordinated run: what every shard did together, as the coordinator had it.
        if let fleet = replay.fleet { lines.append(StatusLine(fleet.sentence)) }
        // The reference verdict, once taken: passed or not, and each field's figures.
        if let reference = replay.reference { lines.append(StatusLine(reference.watchLine)) }
        if case .running = liveness { lines.append(activity(replay, now: now)) }
        let groups = replay.failureGroups.sorted { $0.last > $1.last }.prefix(failures)
        if !groups.isEmpty {
            lines.append(StatusLine("last failures:"))
            for group in groups {
                let message = group.message.count > 120 ? group.message.prefix(119) + "…" : Substring(group.message)
                lines.append(
                    StatusLine("  \(group.count) × \(group.kind): \(message) (e.g. \(group.examples.first ?? "?"))"))
            }
        }
        if liveness == .crashed {
            lines.append(
                StatusLine("continue it (no item is done twice or lost): vigil resume \(folder)", keepsWhole: true))
        }
        return lines
    }

    /// `running (process 4242)`, `COMPLETED`, `ABORTED: success rate 12% ...`.
    private static func state(_ replay: RunReplay, _ liveness: Liveness) -> String {
        switch liveness {
        case .running(let pid): "running (process \(pid))"
        case .ended:
            replay.ending.map { $0.status.rawValue.uppercased() + ($0.reason.map { ": " + $0 } ?? "") } ?? "ended"
        case .crashed: "NOT RUNNING: it stopped without ending (a crash or kill -9)"
        }
    }

    /// The state in a word, for the one-line view.
    private static func shortState(_ replay: RunReplay, _ liveness: Liveness) -> String {
        switch liveness {
        case .running: "running"
        case .ended: replay.ending?.status.rawValue.uppercased() ?? "ended"
        case .crashed: "NOT RUNNING"
        }
    }

    /// What a running run does now: waits for the breaker or provider batches, or has items in
    /// flight (and how many attempts were retried, by cause).
    private static func activity(_ replay: RunReplay, now: Double) -> StatusLine {
        if let breaker = replay.breaker { return StatusLine(ProgressConsumer.waitingText(breaker, now: now)) }
        if !replay.batches.isEmpty { return StatusLine(ProgressConsumer.batchText(replay.batches.values)) }
        var fields = [StatusLine.Field("in flight \(replay.itemsInFlight.count)")]
        if !replay.retries.isEmpty {
            fields.append(
                .init(
                    "\(replay.retries.count) retries ("
                        + replay.retriesByCause.prefix(3).map { "\($0.cause) \($0.count)" }.joined(separator: ", ")
                        + ")"))
        }
        return StatusLine(fields)
    }
}
