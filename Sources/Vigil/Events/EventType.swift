/// Every type of event, the one list of them: the log's `type` field, the job schema's
/// `consumers[].events`, and decoding all come from here.
public enum EventType: CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case runStarted, runCompleted, runAborted, runFailed, runInterrupted, runResumed
    case itemStarted, itemCompleted, itemFailed, itemRetrying
    case validationCheckpoint, validationWarning, validationFailed, referenceChecked
    case breakerOpened, breakerClosed
    case batchSubmitted, batchProgress, batchCompleted, batchFailed
    case checkpointSaved, progress, consumerFailed

    /// The name as written, a constant (the event writer copies it without an escape check).
    var name: StaticString {
        switch self {
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
        case .referenceChecked: "reference.checked"
        case .breakerOpened: "breaker.opened"
        case .breakerClosed: "breaker.closed"
        case .batchSubmitted: "batch.submitted"
        case .batchProgress: "batch.progress"
        case .batchCompleted: "batch.completed"
        case .batchFailed: "batch.failed"
        case .checkpointSaved: "checkpoint.saved"
        case .progress: "progress"
        case .consumerFailed: "consumer.failed"
        }
    }

    /// `item.completed`.
    public var description: String { name.description }

    /// What a job's consumer may select (`consumers[].events`; the job schema's
    /// `eventType` enum lists exactly these, which a test checks): every type but
    /// `consumer.failed`, which only the log receives.
    public static let subscribable = allCases.filter { $0 != .consumerFailed }

    private static let byName: [String: EventType] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.description, $0) })

    /// The type a log line names (nil: not one of Vigil's).
    public init?(_ name: String) {
        guard let type = Self.byName[name] else { return nil }
        self = type
    }
}
