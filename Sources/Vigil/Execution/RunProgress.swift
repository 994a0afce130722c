/// The run's counts as the item loop sees them; only the loop mutates it.
struct RunProgress {
    var counts: RunCounts
    var monitor: ThresholdMonitor
    var latency = LatencyHistogram()
    var usage = TokenUsage()
    var verdict: Verdict?
    var status = RunStatus.running
    var failureMessage: String?
    /// Why the run was interrupted (a signal, an outage).
    var interruption: String?
    /// Cancel what is in flight now (the model is gone for good).
    var stopNow = false
    /// When the last item ended (`finish`): the run's end, before consumers drain.
    var endedAt: Double?
    /// Counts, rate and latencies at that moment.
    var finalProgress: Progress?

    init(total: Int, monitor: ThresholdMonitor) {
        counts = RunCounts(total: total, succeeded: 0, failed: 0)
        self.monitor = monitor
    }

    /// Goes on from what a stopped run had done: its counts, its thresholds' state (so
    /// they count over the whole run), latencies and token usage.
    mutating func resume(from history: RunHistory) {
        counts.succeeded = history.succeeded
        counts.failed = history.failed
        monitor = history.monitor
        latency = history.latency
        usage = history.usage
        verdict = history.verdict
    }
}

/// What the progress ticker reads (the loop publishes it after each item).
struct RunSnapshot: Sendable {
    var counts: RunCounts
    var inFlight = 0
    var latency = LatencyHistogram()
}
