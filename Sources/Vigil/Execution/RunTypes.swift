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
    /// After the run's end, how long slow consumers (a webhook) may take to receive what
    /// is still buffered for them before they are stopped; what they did not get is
    /// reported (`RunSummary.undeliveredEvents`). It is not part of the run's duration.
    public var deliveryLimit: Duration
    public var logger: Logger

    public init(canary: Int? = nil, progressInterval: Duration = .seconds(2), deliveryLimit: Duration = .seconds(5), logger: Logger = Logger(label: "vigil.run")) {
        self.canary = canary
        self.progressInterval = progressInterval
        self.deliveryLimit = deliveryLimit
        self.logger = logger
    }
}

/// What a finished run reports (also the eager `run()`'s return value).
public struct RunSummary: Sendable {
    public var status: RunStatus
    public var counts: RunCounts
    public var verdict: Verdict?
    /// Why the run was interrupted, when it was.
    public var interruption: String?
    public var folder: RunFolder
    public var droppedEvents: [String: Int]
    /// Events still buffered for a slow consumer when `RunOptions.deliveryLimit` ran out.
    public var undeliveredEvents: [String: Int]
    public var progress: Progress
    /// From the start of this process's work on the run to the end of its last item (not
    /// the consumers' delivery after it).
    public var duration: Double
}

/// How one item ended.
enum ItemOutcome: Sendable {
    /// `sha256`: of the input bytes the last attempt sent (a record's canonical JSON).
    case success(InputItem, attempts: Int, latency: Double, result: JSONValueBox, usage: TokenUsage, sha256: String?)
    case failure(InputItem, attempts: Int, latency: Double, ItemFailure, usage: TokenUsage, sha256: String?)
    /// Stopped before it ended (abort or interruption): the item stays to do.
    case cancelled(InputItem)
    /// The model has been unreachable longer than `breaker.give_up_after`: the item stays
    /// to do and the run stops as interrupted.
    case gaveUp(InputItem, outage: Double)
    /// Not an item: the grace period after a stop request ran out (or was called off).
    case graceExpired
    /// Not an item: a stop was requested (wakes the loop while every item is busy).
    case stopRequested
}

import JSONSchema

/// Tokens a model reported for an item (all its attempts), or for a whole run.
public struct TokenUsage: Sendable, Equatable {
    public var promptTokens = 0
    public var completionTokens = 0
    public var isEmpty: Bool { promptTokens == 0 && completionTokens == 0 }

    public init(promptTokens: Int = 0, completionTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    mutating func add(_ answer: ProviderAnswer) {
        promptTokens += answer.promptTokens ?? 0
        completionTokens += answer.completionTokens ?? 0
    }

    mutating func add(_ other: TokenUsage) {
        promptTokens += other.promptTokens
        completionTokens += other.completionTokens
    }

    var json: JSONValue {
        ["prompt_tokens": .number(JSONNumber(promptTokens)), "completion_tokens": .number(JSONNumber(completionTokens))]
    }
}

/// Wraps a result so `ItemOutcome` stays small.
struct JSONValueBox: Sendable {
    var value: JSONValue
}
