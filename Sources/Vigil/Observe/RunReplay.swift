import Foundation

/// A run as its event log tells it, rebuilt event by event: the log is the source of truth,
/// so `vigil watch`, `vigil events --summary`, the report and the dashboard all read a run
/// through this one replay (and its counts equal the manifest's, which a test checks). An
/// item that ended twice in the log (it cannot, but a folder changed by hand could say so)
/// counts once, as a resume counts it.
public struct RunReplay: Sendable {
    /// How the run ended, once an end event was read: its status, and why.
    public struct Ending: Sendable, Equatable {
        public var status: RunStatus
        /// Why it ended so (nil: completed).
        public var reason: String?

        public init(_ status: RunStatus, reason: String? = nil) {
            self.status = status
            self.reason = reason
        }
    }

    /// Failures that share a message.
    public struct FailureGroup: Sendable, Equatable {
        /// `schema`, `parse`, `http`, ...
        public var kind: String
        /// The failure's message, as every item in the group had it.
        public var message: String
        /// How many items failed with it.
        public var count = 0
        /// A few of them.
        public var examples: [String] = []
        /// When the last one failed.
        public var last = 0.0
    }

    /// One ended item on the run's timeline.
    public struct ItemEnd: Sendable, Equatable {
        /// When its end event was written, in seconds since 1970: its place on the report's time axes.
        public var time: Double
        /// Whether it ended in results.jsonl (true) or failed.jsonl (false).
        public var succeeded: Bool
        /// From its first attempt to its end, in milliseconds (retries and waits included).
        public var latency: Double
        /// The item's id, as results.jsonl and failed.jsonl write it.
        public var id: String
        /// What it cost (nil: neither priced nor reported).
        public var cost: Dollars?
    }

    /// The run id the log's first start (or resume) event names; nil before one was read.
    public var run: String?
    /// The job's `name` from `run.started` (a resumed log's later parts do not repeat it).
    public var job: String?
    /// The provider as the run described it.
    public var provider: String?
    /// Items the run covers.
    public var total = 0
    /// Items that ended in results.jsonl, each counted once however often the log repeats it.
    public var succeeded = 0
    /// Items that ended in failed.jsonl, each counted once.
    public var failed = 0
    /// How it ended (nil: no end event yet: running, or crashed).
    public var ending: Ending?
    /// When the first event and the last were written.
    public var firstEvent: Double?
    public var lastEvent: Double?
    /// The last event number read.
    public var sequence = 0
    /// Every ended item, in the order the log has them.
    public var ended: [ItemEnd] = []
    /// Latencies of the ended items.
    public var latency = LatencyHistogram()
    /// Failures by kind (`schema`: 3).
    public var failuresByKind: [String: Int] = [:]
    /// Failures by message, most frequent first via `failureGroups`.
    public var failuresByMessage: [String: FailureGroup] = [:]
    /// Retries, with when and why (`HTTP 429`, `HTTP 5xx`, `timeout`, ...).
    public var retries: [(time: Double, reason: String)] = []
    /// What the ended items cost (nil: nothing priced or reported).
    public var itemSpend: Dollars?
    /// What the last `progress` event said the run had spent (answers of items a stop cut
    /// short included).
    public var progressSpend: Dollars?
    /// What the run spent: the larger of the two.
    public var spent: Dollars? {
        guard let items = itemSpend else { return progressSpend }
        return max(items, progressSpend ?? .zero)
    }
    /// The budget's cap, as progress events report it.
    public var maxCost: Dollars?
    /// A coordinated run's figures for every shard together, as the last `progress` had them.
    public var fleet: FleetFigures?
    /// The last `progress` event.
    public var progress: Progress?
    /// Items in flight over time (from `progress` events).
    public var inFlight: [(time: Double, count: Int)] = []
    /// The breaker while it holds attempts back (nil: closed).
    public var breaker: BreakerReport?
    /// Provider batches not yet ended, by id.
    public var batches: [String: BatchReport] = [:]
    /// Every threshold check that ran, passed or not, in order.
    public var checks: [(time: Double, check: ThresholdCheck)] = []
    /// The reference verdict (`reference.checked`), once taken.
    public var reference: ReferenceReport?
    /// When the process (re)started on the run: `run.started` and each `run.resumed`.
    public var starts: [Double] = []
    private var endedIDs = Set<String>()
    /// `run.started` events read: more than one in a merged log of shards.
    private var shardsStarted = 0
    /// Ended items whose answer came from the response cache.
    public var cached = 0
    /// Items started by the process now on the run and not ended yet.
    public private(set) var itemsInFlight = Set<String>()

    /// A replay that has read no event yet: feed it a log with `apply(_:)`, in order.
    public init() {}

    /// Items that ended either way: what the manifest's `counts.completed` says of the same run.
    public var completed: Int { succeeded + failed }
    /// The counts, as the manifest holds them.
    public var counts: RunCounts { RunCounts(total: total, succeeded: succeeded, failed: failed) }

    /// Failures grouped by message, the most frequent first.
    public var failureGroups: [FailureGroup] {
        failuresByMessage.values.sorted { ($0.count, $0.last) > ($1.count, $1.last) }
    }

    /// The `count` slowest ended items, slowest first.
    public func slowest(_ count: Int) -> [ItemEnd] {
        Array(ended.sorted { $0.latency > $1.latency }.prefix(count))
    }

    /// Reads one event into the replay.
    public mutating func apply(_ event: RunEvent) {
        firstEvent = firstEvent ?? event.time
        lastEvent = event.time
        sequence = event.sequence
        switch event.kind {
        case .runStarted(let started):
            run = event.run
            job = started.job
            provider = started.provider
            // A merged log (`vigil merge`) holds one start per shard: the run covers them all.
            shardsStarted += 1
            total = shardsStarted == 1 ? started.total : total + started.total
            starts.append(event.time)
        case .runResumed(let resumed):
            run = event.run
            if shardsStarted <= 1 { total = resumed.counts.total }
            ending = nil
            // What the stopped process had in flight stays to do; it is not in flight now.
            itemsInFlight.removeAll()
            starts.append(event.time)
        case .runCompleted(let counts):
            if shardsStarted <= 1 { total = counts.total }
            end(Ending(.completed))
        case .runAborted(let verdict, _):
            end(Ending(.aborted, reason: verdict.message))
        case .runFailed(let message, _):
            end(Ending(.failed, reason: message))
        case .runInterrupted(let reason, _):
            end(Ending(.interrupted, reason: reason))
        case .itemCompleted(let report, _):
            end(report, succeeded: true, at: event.time)
        case .itemFailed(let report, let failure):
            let item = report.item
            guard end(report, succeeded: false, at: event.time) else { return }
            failuresByKind[failure.kind.rawValue, default: 0] += 1
            var group =
                failuresByMessage[failure.message]
                ?? FailureGroup(kind: failure.kind.rawValue, message: failure.message)
            group.count += 1
            if group.examples.count < 3 { group.examples.append(item) }
            group.last = event.time
            failuresByMessage[failure.message] = group
        case .itemRetrying(_, _, _, let reason):
            retries.append((event.time, Self.cause(reason)))
        case .validationCheckpoint(let check), .validationWarning(let check), .validationFailed(let check):
            checks.append((event.time, check))
        case .referenceChecked(let report):
            reference = report
        case .progress(let progress):
            self.progress = progress
            if shardsStarted <= 1 { total = progress.counts.total }
            maxCost = progress.maxCost ?? maxCost
            fleet = progress.fleet ?? fleet
            progressSpend = progress.spent ?? progressSpend
            inFlight.append((event.time, progress.inFlight))
        case .breakerOpened(let report):
            breaker = report
        case .breakerClosed:
            breaker = nil
        case .batchSubmitted(let report), .batchProgress(let report):
            batches[report.batch] = report
        case .batchCompleted(let report), .batchFailed(let report):
            batches[report.batch] = nil
        case .itemStarted(let item, _):
            itemsInFlight.insert(item)
        case .checkpointSaved, .consumerFailed:
            break
        }
    }

    /// How the run ended; in a merged log, as its worst shard did.
    private mutating func end(_ next: Ending) {
        guard shardsStarted > 1, let current = ending else {
            ending = next
            return
        }
        if next.status.severity > current.status.severity { ending = next }
    }

    @discardableResult
    private mutating func end(_ report: ItemReport, succeeded: Bool, at time: Double) -> Bool {
        let item = report.item
        let latency = report.latencyMilliseconds
        let spend = report.spend
        if report.cached { cached += 1 }
        itemsInFlight.remove(item)
        guard endedIDs.insert(item).inserted else { return false }
        if succeeded { self.succeeded += 1 } else { failed += 1 }
        self.latency.record(milliseconds: latency)
        ended.append(ItemEnd(time: time, succeeded: succeeded, latency: latency, id: item, cost: spend?.charged))
        if let spend { itemSpend = (itemSpend ?? .zero) + spend.charged }
        return true
    }

    /// What a retry's reason says of its cause, in a few words: `HTTP 429`, `HTTP 5xx`,
    /// `timeout`, `connection`, or the reason's first words.
    static func cause(_ reason: String) -> String {
        let text = reason.hasPrefix("waiting for the endpoint: ") ? String(reason.dropFirst(26)) : reason
        if let range = text.range(of: "HTTP ") {
            let code = text[range.upperBound...].prefix(3)
            if code == "429" { return "HTTP 429" }
            if code.first == "5" { return "HTTP 5xx" }
            return "HTTP \(code)"
        }
        if text.contains("timed out") || text.contains("timeout") { return "timeout" }
        if text.contains("connect") || text.contains("reset") || text.contains("reach") { return "connection" }
        return String(text.prefix(40))
    }
}
