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
    public var run: String
    public var kind: Kind

    public init(sequence: Int, time: Double, run: String, kind: Kind) {
        self.sequence = sequence
        self.time = time
        self.run = run
        self.kind = kind
    }

    public enum Kind: Sendable, Equatable {
        case runStarted(RunStarted)
        case runCompleted(RunCounts)
        case runAborted(Verdict, RunCounts)
        case runFailed(message: String, RunCounts)
        case runInterrupted(reason: String, RunCounts)
        case runResumed(RunResumed)
        case itemStarted(item: String, attempt: Int)
        case itemCompleted(item: String, attempt: Int, latencyMilliseconds: Double, result: JSONValue)
        case itemFailed(item: String, attempt: Int, latencyMilliseconds: Double, failure: ItemFailure)
        case itemRetrying(item: String, attempt: Int, delayMilliseconds: Double, reason: String)
        case validationCheckpoint(ThresholdCheck)
        case validationWarning(ThresholdCheck)
        case validationFailed(ThresholdCheck)
        case checkpointSaved(completed: Int)
        case progress(Progress)
        /// A buffered consumer could not deliver an event (a webhook that keeps failing).
        case consumerFailed(consumer: String, event: String, message: String)
    }

    /// The `type` written in the log.
    public var type: String { typeName.description }

    /// The same, as the constant it is (written without a copy or an escape check).
    var typeName: StaticString {
        switch kind {
        case .runStarted: "run.started"
        case .runCompleted: "run.completed"
        case .runAborted: "run.aborted"
        case .runFailed: "run.failed"
        case .runInterrupted: "run.interrupted"
        case .runResumed: "run.resumed"
        case .itemStarted: "item.started"
        case .itemCompleted: "item.completed"
        case .itemFailed: "item.failed"
        case .itemRetrying: "item.retrying"
        case .validationCheckpoint: "validation.checkpoint"
        case .validationWarning: "validation.warning"
        case .validationFailed: "validation.failed"
        case .checkpointSaved: "checkpoint.saved"
        case .progress: "progress"
        case .consumerFailed: "consumer.failed"
        }
    }

    public static let allTypes = [
        "run.started", "run.completed", "run.aborted", "run.failed", "run.interrupted", "run.resumed", "item.started",
        "item.completed", "item.failed", "item.retrying", "validation.checkpoint", "validation.warning", "validation.failed",
        "checkpoint.saved", "progress", "consumer.failed",
    ]
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

    public init(counts: RunCounts, repairedBytes: [String: Int] = [:], recoveredItems: Int = 0) {
        self.counts = counts
        self.repairedBytes = repairedBytes
        self.recoveredItems = recoveredItems
    }
}

public struct RunStarted: Sendable, Equatable {
    public var job: String
    public var total: Int
    public var concurrency: Int
    public var provider: String

    public init(job: String, total: Int, concurrency: Int, provider: String) {
        self.job = job
        self.total = total
        self.concurrency = concurrency
        self.provider = provider
    }
}

/// Items done so far: every item ends as exactly one success or one failure.
public struct RunCounts: Sendable, Equatable {
    public var total: Int
    public var succeeded: Int
    public var failed: Int

    public init(total: Int, succeeded: Int, failed: Int) {
        self.total = total
        self.succeeded = succeeded
        self.failed = failed
    }

    public var completed: Int { succeeded + failed }
    public var successRate: Double { completed == 0 ? 0 : Double(succeeded) / Double(completed) }
}

/// Why an item failed, classified so people (and thresholds) can tell a bad answer from
/// an unavailable model.
public struct ItemFailure: Sendable, Equatable, Error {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The model could not be reached (connection refused or reset, DNS).
        case transport
        /// The endpoint answered with an HTTP error.
        case http
        /// No answer within the timeout.
        case timeout
        /// The answer is not a JSON object.
        case parse
        /// The answer is JSON but does not validate against the success schema.
        case schema
        /// The provider itself failed (a program exited non-zero, crashed, said nothing).
        case provider
        /// The item's input changed after the run listed it, or could not be read: it was
        /// not sent (or its answer is for bytes nobody recorded). Says nothing about the job.
        case input

        /// Quality failures say the job (its prompt, its model, its program) is wrong:
        /// they count against the thresholds. A program that exits non-zero counts too, since
        /// a broken extractor fails every item just like a wrong prompt.
        public var isQuality: Bool { self == .parse || self == .schema || self == .provider }

        /// The model could not be reached or did not answer: says nothing about the job.
        public var isAvailability: Bool { self == .transport || self == .http || self == .timeout }

        /// Worth another attempt: the model or program may answer next time.
        public var isRetryable: Bool { self == .transport || self == .http || self == .timeout || self == .provider }
    }

    public var kind: Kind
    public var message: String
    /// Structured detail: the schema's errors, the exit status and stderr, the HTTP status.
    public var detail: JSONValue?
    /// Worth another attempt (by default from the kind; an HTTP 400 is not, a 503 is).
    public var isRetryable: Bool
    /// The endpoint asked to wait this long before the next request (`Retry-After`).
    public var retryAfterSeconds: Double?
    /// Every item would fail the same way (a refused API key): stop the run at once.
    public var stopsRun: Bool

    /// An availability failure (retryable transport, timeout, 429 or 5xx): the breaker counts these.
    public var isAvailability: Bool { kind.isAvailability && isRetryable }

    public init(_ kind: Kind, _ message: String, detail: JSONValue? = nil, isRetryable: Bool? = nil, retryAfterSeconds: Double? = nil, stopsRun: Bool = false) {
        self.kind = kind
        self.message = message
        self.detail = detail
        self.isRetryable = isRetryable ?? kind.isRetryable
        self.retryAfterSeconds = retryAfterSeconds
        self.stopsRun = stopsRun
    }
}

/// A threshold check and its outcome.
public struct ThresholdCheck: Sendable, Equatable {
    /// `early`, `progressive`, `window` or `max_consecutive_failures`.
    public var check: String
    public var completed: Int
    /// The measured value: a success rate, or a count of consecutive failures.
    public var value: Double
    /// The limit it was held against.
    public var limit: Double
    public var passed: Bool
    public var action: String

    public init(check: String, completed: Int, value: Double, limit: Double, passed: Bool, action: String) {
        self.check = check
        self.completed = completed
        self.value = value
        self.limit = limit
        self.passed = passed
        self.action = action
    }

    /// One line a person understands; it says what the check found, passed or not.
    public var sentence: String {
        if check == "max_consecutive_failures" {
            return "\(Int(value)) items failed in a row (limit \(Int(limit)))"
        }
        let scope = check == "window" ? "over the last \(completed) items" : "after \(completed) items"
        let comparison = passed ? "meets" : "is below"
        return "success rate \(Self.percent(value)) \(scope) \(comparison) the \(check) threshold of \(Self.percent(limit))"
    }

    public static func percent(_ rate: Double) -> String {
        let percent = rate * 100
        return percent == percent.rounded() ? "\(Int(percent))%" : String(format: "%.1f%%", percent)
    }
}

/// Why a run was stopped by a threshold (or a consumer).
public struct Verdict: Sendable, Equatable {
    public var check: ThresholdCheck?
    public var message: String

    public init(check: ThresholdCheck?, message: String) {
        self.check = check
        self.message = message
    }
}

/// Periodic progress, also the final metrics.
public struct Progress: Sendable, Equatable {
    public var counts: RunCounts
    public var inFlight: Int
    public var itemsPerSecond: Double
    public var etaSeconds: Double?
    public var latencyP50: Double?
    public var latencyP95: Double?
    public var latencyP99: Double?

    public init(counts: RunCounts, inFlight: Int, itemsPerSecond: Double, etaSeconds: Double?, latencyP50: Double?, latencyP95: Double?, latencyP99: Double?) {
        self.counts = counts
        self.inFlight = inFlight
        self.itemsPerSecond = itemsPerSecond
        self.etaSeconds = etaSeconds
        self.latencyP50 = latencyP50
        self.latencyP95 = latencyP95
        self.latencyP99 = latencyP99
    }
}
