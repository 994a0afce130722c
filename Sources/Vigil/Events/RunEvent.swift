import Foundation
public import JSONSchema

/// One thing that happened in a run: typed, versioned, numbered. Written to `events.jsonl`
/// as one JSON object per line:
/// `{"v":1,"seq":7,"ts":"2026-11-23T18:00:00.123Z","run":"20261123-180000-ab12","type":"item.completed",...}`.
/// The event log is the source of truth: counts, metrics and resume state replay from it.
public struct RunEvent: Sendable, Equatable {
    /// Version of the event format, written as `v`.
    public static let formatVersion = 1

    /// Per-run sequence number, from 1, without gaps.
    public var sequence: Int
    /// Seconds since 1970, UTC (written as ISO 8601 with milliseconds).
    public var time: Double
    /// The run id every event of the run carries (a merged log keeps each shard's).
    public var run: String
    /// What happened, with its fields.
    public var kind: Kind

    /// An event as the bus numbers and stamps it (the bus makes them; readers decode them).
    public init(sequence: Int, time: Double, run: String, kind: Kind) {
        self.sequence = sequence
        self.time = time
        self.run = run
        self.kind = kind
    }

    /// Every kind of event and its fields (docs/events.md's table).
    public enum Kind: Sendable, Equatable {
        case runStarted(RunStarted)
        case runCompleted(RunCounts)
        case runAborted(Verdict, RunCounts)
        case runFailed(message: String, RunCounts)
        case runInterrupted(reason: String, RunCounts)
        case runResumed(RunResumed)
        case itemStarted(item: String, attempt: Int)
        /// The item succeeded with `result`.
        case itemCompleted(ItemReport, result: JSONValue)
        /// The item failed (after its retries) with `failure`.
        case itemFailed(ItemReport, failure: ItemFailure)
        case itemRetrying(item: String, attempt: Int, delayMilliseconds: Double, reason: String)
        case validationCheckpoint(ThresholdCheck)
        case validationWarning(ThresholdCheck)
        case validationFailed(ThresholdCheck)
        /// The reference verdict: the reference items' answers against their known ones.
        case referenceChecked(ReferenceReport)
        /// Availability failures in a row: new attempts wait for the endpoint (again after a
        /// failed probe).
        case breakerOpened(BreakerReport)
        /// A probe succeeded: attempts go out again.
        case breakerClosed(BreakerReport)
        /// A batch was created over an uploaded file of requests (its id is in batches.jsonl).
        case batchSubmitted(BatchReport)
        /// A running batch's state or counts changed.
        case batchProgress(BatchReport)
        /// A batch ended and every answer it gave was recorded.
        case batchCompleted(BatchReport)
        /// A batch failed, expired or was cancelled; what it finished was recorded.
        case batchFailed(BatchReport)
        case checkpointSaved(completed: Int)
        case progress(Progress)
        /// A buffered consumer could not deliver an event (a webhook that keeps failing).
        case consumerFailed(consumer: String, event: String, message: String)
    }

    /// The `type` written in the log.
    public var type: String { eventType.description }

    /// What kind of event this is (see `EventType`: the one list of them).
    public var eventType: EventType {
        switch kind {
        case .runStarted: .runStarted
        case .runCompleted: .runCompleted
        case .runAborted: .runAborted
        case .runFailed: .runFailed
        case .runInterrupted: .runInterrupted
        case .runResumed: .runResumed
        case .itemStarted: .itemStarted
        case .itemCompleted: .itemCompleted
        case .itemFailed: .itemFailed
        case .itemRetrying: .itemRetrying
        case .validationCheckpoint: .validationCheckpoint
        case .validationWarning: .validationWarning
        case .validationFailed: .validationFailed
        case .referenceChecked: .referenceChecked
        case .breakerOpened: .breakerOpened
        case .breakerClosed: .breakerClosed
        case .batchSubmitted: .batchSubmitted
        case .batchProgress: .batchProgress
        case .batchCompleted: .batchCompleted
        case .batchFailed: .batchFailed
        case .checkpointSaved: .checkpointSaved
        case .progress: .progress
        case .consumerFailed: .consumerFailed
        }
    }

    /// Every event type's name, in `EventType`'s order.
    public static let allTypes = EventType.allCases.map(\.description)
}

/// What `run.started` records.
/// `run.resumed`: where a stopped or crashed run picks up.
public struct RunResumed: Sendable, Equatable {
    /// What was done before (the counts go on from here).
    public var counts: RunCounts
    /// Bytes cut off torn last lines, by file.
    public var repairedBytes: [String: Int]
    /// Items whose outcome was in the event log but not yet in results/failed.jsonl.
    public var recoveredItems: Int

    /// What `run.resumed` says: the counts so far, the bytes the repair cut off torn lines, and
    /// the items recovered from the log whose lines had not been written.
    public init(counts: RunCounts, repairedBytes: [String: Int] = [:], recoveredItems: Int = 0) {
        self.counts = counts
        self.repairedBytes = repairedBytes
        self.recoveredItems = recoveredItems
    }
}

/// `run.started`: the job, how many items, at what concurrency, with which provider.
public struct RunStarted: Sendable, Equatable {
    /// The job's `name`: the run folder's parent, and the label dashboards group runs by.
    public var job: String
    /// Items the run covers.
    public var total: Int
    /// Items in flight at most.
    public var concurrency: Int
    /// The provider's description (never a secret).
    public var provider: String

    /// What `run.started` says: the job, how many items the run covers, how many go at once, and
    /// which provider answers them (its description: never a key).
    public init(job: String, total: Int, concurrency: Int, provider: String) {
        self.job = job
        self.total = total
        self.concurrency = concurrency
        self.provider = provider
    }
}

extension RunEvent.Kind {
    /// The item an item event is about.
    public var itemID: String? {
        switch self {
        case .itemStarted(let id, _), .itemRetrying(let id, _, _, _): id
        case .itemCompleted(let report, _), .itemFailed(let report, _): report.item
        default: nil
        }
    }

    /// The run's last event (until a resume).
    public var endsRun: Bool {
        switch self {
        case .runCompleted, .runAborted, .runFailed, .runInterrupted: true
        default: false
        }
    }
}
