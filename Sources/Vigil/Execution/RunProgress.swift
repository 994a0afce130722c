/// The run's state as the item loop sees it; only the loop mutates it.
struct RunProgress {
    var counts: RunCounts
    var monitor: ThresholdMonitor
    /// The reference items' judge (`reference`; nil: none).
    var reference: ReferenceJudge?
    /// `thresholds.fields` (nil: none).
    var fill: FieldFillMonitor?
    var latency = LatencyHistogram()
    var usage = TokenUsage()
    /// What the recorded items cost.
    var spend = Spend()
    /// Each recorded item's cost, tokens and latency, kept only for a canary's projection.
    var samples: [CostSample]?
    /// How the run ends, once decided (nil: going on; at the end, completed or failed by
    /// its counts).
    var ending: RunEnding?
    /// Cancel what is in flight now (an abort, the model gone for good, a failed write),
    /// rather than letting it finish.
    var stopNow = false
    /// When the last item ended (`finish`): the run's end, before consumers drain.
    var endedAt: Double?
    /// Counts, rate and latencies at that moment.
    var finalProgress: Progress?

    init(total: Int, monitor: ThresholdMonitor, reference: ReferenceJudge? = nil, fill: FieldFillMonitor? = nil) {
        counts = RunCounts(total: total, succeeded: 0, failed: 0)
        self.monitor = monitor
        self.reference = reference
        self.fill = fill
    }

    /// The reference verdict is taken, or the run has no reference item to judge.
    var referenceJudged: Bool {
        guard let reference else { return true }
        return reference.report != nil || reference.items == 0
    }

    /// Records how the run ends (see `RunEnding.decide`).
    mutating func end(_ next: RunEnding) {
        ending = RunEnding.decide(ending, next)
    }

    /// Counts an ended item's latency, tokens and cost.
    mutating func add(_ ended: EndedItem) {
        latency.record(milliseconds: ended.latency)
        usage.add(ended.usage)
        spend.add(ended.spend)
        samples?.append(CostSample(cost: ended.spend.charged, tokens: ended.usage.total, latency: ended.latency))
    }

    /// The budget refused a request: the run ends as aborted once those in flight end (the
    /// only verdict that lets them end).
    var budgetExhausted: Bool { verdict?.stopsAtOnce == false }

    /// The threshold verdict, when a check (or a consumer) aborted the run.
    var verdict: Verdict? {
        if case .aborted(let verdict) = ending { return verdict }
        return nil
    }

    /// Goes on from what a stopped run had done: its counts, its thresholds' state (so
    /// they count over the whole run), latencies and token usage.
    mutating func resume(from history: RunHistory) {
        counts.succeeded = history.succeeded
        counts.failed = history.failed
        monitor = history.monitor
        reference = history.reference
        fill = history.fill
        latency = history.latency
        usage = history.usage
        spend = history.spend
        samples = samples.map { _ in history.samples }
        if let verdict = history.verdict { end(.aborted(verdict)) }
    }
}

/// What the progress ticker reads (the loop publishes it after each item).
struct RunSnapshot: Sendable {
    var counts: RunCounts
    var inFlight = 0
    var latency = LatencyHistogram()
    /// When an item last succeeded (or this process started on the run): the stall clock.
    var lastSuccess = Timestamp.now()
    /// Every item left is in a provider batch: a long wait is expected, not a stall.
    var waitingOnBatches = false
    /// A coordinated shard's last reading of its whole run (`watchFleet`).
    var fleet: FleetFigures?
}
