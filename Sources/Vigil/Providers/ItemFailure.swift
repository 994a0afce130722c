public import JSONSchema

/// Why an item failed, classified so people (and thresholds) can tell a bad answer from
/// an unavailable model.
public struct ItemFailure: Sendable, Equatable, Error {
    /// The classes of failure (the `error` field of failed.jsonl).
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

    /// What kind of failure: it decides whether it is retried and whether the thresholds count it.
    public var kind: Kind
    /// One line that says what happened.
    public var message: String
    /// Structured detail: the schema's errors, the exit status and stderr, the HTTP status.
    public var detail: JSONValue?
    /// Worth another attempt (by default from the kind; an HTTP 400 is not, a 503 is).
    public var isRetryable: Bool
    /// The endpoint asked to wait this long before the next request (`Retry-After`).
    public var retryAfterSeconds: Double?
    /// Every item would fail the same way (a refused API key): stop the run at once.
    public var stopsRun: Bool
    /// The request may have reached the model and be billed though no answer came back (a
    /// timeout, a connection lost mid-request): a budget keeps its reservation counted.
    /// False when the endpoint answered (an HTTP error) or was never reached.
    public var mayBeBilled: Bool

    /// An availability failure (retryable transport, timeout, 429 or 5xx): the breaker counts these.
    public var isAvailability: Bool { kind.isAvailability && isRetryable }

    /// A failure; `isRetryable` defaults to what the kind says.
    public init(
        _ kind: Kind, _ message: String, detail: JSONValue? = nil, isRetryable: Bool? = nil,
        retryAfterSeconds: Double? = nil, stopsRun: Bool = false,
        mayBeBilled: Bool? = nil
    ) {
        self.kind = kind
        self.message = message
        self.detail = detail
        self.isRetryable = isRetryable ?? kind.isRetryable
        self.retryAfterSeconds = retryAfterSeconds
        self.stopsRun = stopsRun
        self.mayBeBilled = mayBeBilled ?? (kind == .timeout || kind == .transport || kind == .provider)
    }
}
