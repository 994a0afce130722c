import Prometheus
import Synchronization

/// A run's metrics in Prometheus's terms, kept from its events: what the `prometheus`
/// consumer writes to a textfile and serves on `/metrics`. Names follow Prometheus's
/// conventions (the unit in the name, `_total` for counters, ratios from 0 to 1), and
/// every metric has its help text (`promtool check metrics` passes on the exposition).
///
/// A resumed run starts its counters from the counts it resumes with, so a textfile left by
/// the run says what the whole run did; a scraper sees the restart as a counter reset.
public final class RunMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let succeeded: Counter
    private let failed: Counter
    private let failures: @Sendable (String) -> Counter
    private let cacheHits: Counter
    private let attempts: Counter
    private let retries: Counter
    private let breakerWaits: Counter
    private let inputTokens: Counter
    private let cachedInputTokens: Counter
    private let outputTokens: Counter
    private let cost: Counter
    private let budget: Gauge
    private let planned: Gauge
    private let inFlight: Gauge
    private let successRatio: Gauge
    private let breakerOpen: Gauge
    private let lastEvent: Gauge
    private let state: @Sendable (RunStatus) -> Gauge
    private let latency: ValueHistogram
    private let tally = Mutex(Tally())

    /// What the gauges are computed from.
    private struct Tally {
        var succeeded = 0
        var failed = 0
        var inFlight = 0
    }

    /// Latency buckets, seconds: from a cached answer to a slow vision model.
    static let latencyBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]

    /// Metrics for run `runID` of `job`, whose prompt has `promptSHA256`; `started`: seconds since 1970.
    public init(job: String, runID: String, promptSHA256: String, started: Double) {
        let registry = self.registry
        /// `vigil_<name>_<unit>`, with its help text.
        func named(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "vigil", metricName: name, unitName: unit, helpText: help)
        }
        registry.makeGauge(
            descriptor: named(
                "run_info", "", "The run this process carries out: its job, run id and prompt's sha256 (always 1)."),
            labels: [("job", job), ("run_id", runID), ("prompt_sha256", promptSHA256)]
        ).set(to: 1)
        registry.makeGauge(
            descriptor: named(
                "run_start_time", "seconds",
                "When this process started the run (or its resumption), seconds since 1970.")
        )
        .set(to: started)
        let items = named("items", "total", "Items that ended, by outcome (each item once, after its retries).")
        succeeded = registry.makeCounter(descriptor: items, labels: [("outcome", "succeeded")])
        failed = registry.makeCounter(descriptor: items, labels: [("outcome", "failed")])
        let causes = named(
            "item_failures", "total",
            "Items that failed, by cause (\(ItemFailure.Kind.allCases.map(\.rawValue).joined(separator: ", "))).")
        // One counter per cause, each shown from the start (0 until it occurs).
        let causeCounters = Dictionary(
            uniqueKeysWithValues: ItemFailure.Kind.allCases.map {
                ($0.rawValue, registry.makeCounter(descriptor: causes, labels: [("cause", $0.rawValue)]))
            })
        failures = { causeCounters[$0]! }
        cacheHits = registry.makeCounter(
            descriptor: named(
                "cache_hits", "total", "Items whose answer came from the response cache (no request sent)."))
        attempts = registry.makeCounter(
            descriptor: named("item_attempts", "total", "Attempts made for the items that ended (retries included)."))
        retries = registry.makeCounter(
            descriptor: named("item_retries", "total", "Attempts that failed and were tried again after a delay."))
        breakerWaits = registry.makeCounter(
            descriptor: named(
                "breaker_waits", "total", "Times an item waited for the endpoint while the circuit breaker was open."))
        let tokens = named(
            "tokens", "total", "Tokens of the answers of items that ended, by kind (cached_input is part of input).")
        inputTokens = registry.makeCounter(descriptor: tokens, labels: [("kind", "input")])
        cachedInputTokens = registry.makeCounter(descriptor: tokens, labels: [("kind", "cached_input")])
        outputTokens = registry.makeCounter(descriptor: tokens, labels: [("kind", "output")])
        cost = registry.makeCounter(
            descriptor: named(
                "cost_usd", "total", "What the items that ended cost, USD (priced, or as the endpoint reported)."))
        budget = registry.makeGauge(descriptor: named("budget", "usd", "The run's budget.max_cost, USD (0: none)."))
        planned = registry.makeGauge(descriptor: named("items_planned", "", "Items the run covers."))
        inFlight = registry.makeGauge(descriptor: named("items_in_flight", "", "Items started and not ended yet."))
        successRatio = registry.makeGauge(
            descriptor: named("success", "ratio", "Succeeded items over ended items, 0 to 1 (0 before any ended)."))
        breakerOpen = registry.makeGauge(
            descriptor: named(
                "breaker_open", "", "1 while the circuit breaker is open (attempts wait for the endpoint), else 0."))
        lastEvent = registry.makeGauge(
            descriptor: named(
                "last_event_time", "seconds",
                "When the run's last event happened, seconds since 1970 (a stalled run stops moving it)."))
        let stateName = named("run_state", "", "The run's state: 1 for the current one, 0 for the others.")
        let stateGauges = Dictionary(
            uniqueKeysWithValues: RunStatus.allCases.map {
                ($0, registry.makeGauge(descriptor: stateName, labels: [("state", $0.rawValue)]))
            })
        state = { stateGauges[$0]! }
        latency = registry.makeValueHistogram(
            descriptor: named("item_latency", "seconds", "From an item's first attempt to its end, seconds."),
            labels: [], buckets: Self.latencyBuckets)
        setState(.running)
    }

    /// Takes one event into the metrics.
    public func record(_ event: RunEvent) {
        lastEvent.set(to: event.time)
        switch event.kind {
        case .runStarted(let started):
            planned.set(to: Double(started.total))
        case .runResumed(let resumed):
            planned.set(to: Double(resumed.counts.total))
            succeeded.increment(by: Int64(resumed.counts.succeeded))
            failed.increment(by: Int64(resumed.counts.failed))
            tally.withLock {
                $0.succeeded = resumed.counts.succeeded
                $0.failed = resumed.counts.failed
            }
            updateRatio()
        case .itemStarted:
            inFlight.set(
                to: Double(
                    tally.withLock {
                        $0.inFlight += 1
                        return $0.inFlight
                    }))
        case .itemRetrying(_, _, let delay, _):
            if delay > 0 { retries.increment() } else { breakerWaits.increment() }
        case .itemCompleted(let report, _):
            succeeded.increment()
            tally.withLock { $0.succeeded += 1 }
            ended(report)
        case .itemFailed(let report, let failure):
            failed.increment()
            failures(failure.kind.rawValue).increment()
            tally.withLock { $0.failed += 1 }
            ended(report)
        case .breakerOpened:
            breakerOpen.set(to: 1)
        case .breakerClosed:
            breakerOpen.set(to: 0)
        case .progress(let progress):
            inFlight.set(to: Double(progress.inFlight))
            tally.withLock { $0.inFlight = progress.inFlight }
            budget.set(to: progress.maxCost?.usd ?? 0)
        case .runCompleted:
            setState(.completed)
        case .runAborted:
            setState(.aborted)
        case .runFailed:
            setState(.failed)
        case .runInterrupted:
            setState(.interrupted)
        default:
            break
        }
    }

    /// The metrics in Prometheus's text exposition format.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    private func ended(_ report: ItemReport) {
        inFlight.set(
            to: Double(
                tally.withLock {
                    $0.inFlight = max(0, $0.inFlight - 1)
                    return $0.inFlight
                }))
        attempts.increment(by: Int64(report.attempt))
        if report.cached { cacheHits.increment() }
        inputTokens.increment(by: Int64(report.usage.promptTokens))
        cachedInputTokens.increment(by: Int64(report.usage.cachedPromptTokens))
        outputTokens.increment(by: Int64(report.usage.completionTokens))
        if let spend = report.spend { cost.increment(by: spend.charged.usd) }
        latency.record(report.latencyMilliseconds / 1000)
        updateRatio()
    }

    private func updateRatio() {
        let (succeeded, failed) = tally.withLock { ($0.succeeded, $0.failed) }
        successRatio.set(to: succeeded + failed == 0 ? 0 : Double(succeeded) / Double(succeeded + failed))
    }

    /// `vigil_run_state`: 1 for `status`, 0 for every other.
    private func setState(_ status: RunStatus) {
        for candidate in RunStatus.allCases { state(candidate).set(to: candidate == status ? 1 : 0) }
    }
}
