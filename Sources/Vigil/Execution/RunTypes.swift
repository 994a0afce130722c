public import Logging

/// How a run ended.
public enum RunStatus: String, Sendable, Equatable {
    case running
    /// Every item was tried and at least one succeeded.
    case completed
    /// A threshold (or a consumer) stopped the run.
    case aborted
    /// Every item was tried and none succeeded, or the run could not go on.
    case failed
    /// Stopped by a signal or an outage; resumable.
    case interrupted
}

/// Options for one run.
public struct RunOptions: Sendable {
    /// Run only the first N items (`vigil run --canary N`).
    public var canary: Int?
    /// How often a `progress` event is published.
    public var progressInterval: Duration
    public var logger: Logger

    public init(canary: Int? = nil, progressInterval: Duration = .seconds(2), logger: Logger = Logger(label: "vigil.run")) {
        self.canary = canary
        self.progressInterval = progressInterval
        self.logger = logger
    }
}

/// What a finished run reports (also the eager `run()`'s return value).
public struct RunSummary: Sendable {
    public var status: RunStatus
    public var counts: RunCounts
    public var verdict: Verdict?
    public var folder: RunFolder
    public var droppedEvents: [String: Int]
    public var progress: Progress
    public var duration: Double
}

/// How one item ended.
enum ItemOutcome: Sendable {
    case success(InputItem, attempts: Int, latency: Double, result: JSONValueBox)
    case failure(InputItem, attempts: Int, latency: Double, ItemFailure)
    /// Stopped before it ended (abort or interruption): the item stays to do.
    case cancelled(InputItem)
}

import JSONSchema

/// Wraps a result so `ItemOutcome` stays small.
struct JSONValueBox: Sendable {
    var value: JSONValue
}
