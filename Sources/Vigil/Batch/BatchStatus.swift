public import JSONSchema

/// A batch as the endpoint describes it (`GET {base_url}/batches/{id}`).
public struct BatchStatus: Sendable, Equatable {
    /// Where a batch is in its life.
    public enum State: String, Sendable, Equatable {
        case validating, failed
        case inProgress = "in_progress"
        case finalizing, completed, expired, cancelling, cancelled

        /// Nothing more will happen to it: its output and error files are final.
        public var isFinal: Bool { self == .failed || self == .completed || self == .expired || self == .cancelled }
    }

    /// The batch id (`batch_...`).
    public var id: String
    /// Its state (an unknown one reads as in progress: it is polled again).
    public var state: State
    /// The uploaded JSON Lines file of requests.
    public var inputFileID: String
    /// The answers, once there are some.
    public var outputFileID: String?
    /// The requests that failed, once there are some.
    public var errorFileID: String?
    /// Requests in all, answered, failed.
    public var total: Int
    /// Requests the batch has answered so far (their answers are in the output file once it ends).
    public var completed: Int
    /// Requests the batch could not run so far (each is in the error file once it ends).
    public var failed: Int
    /// Why the batch failed as a whole (its `errors.data[].message`).
    public var errors: [String]

    /// Reads a batch object.
    public init(json: JSONValue) throws(BatchError) {
        guard let id = json["id"]?.stringValue, let input = json["input_file_id"]?.stringValue else {
            throw BatchError("the endpoint's batch object has no id or input_file_id: \(json.jsonText().prefix(300))")
        }
        self.id = id
        state = State(rawValue: json["status"]?.stringValue ?? "") ?? .inProgress
        inputFileID = input
        outputFileID = json["output_file_id"]?.stringValue
        errorFileID = json["error_file_id"]?.stringValue
        func count(_ key: String) -> Int {
            json["request_counts"]?[key]?.numberValue?.int64Value.map { Int(clamping: $0) } ?? 0
        }
        total = count("total")
        completed = count("completed")
        failed = count("failed")
        errors = (json["errors"]?["data"]?.arrayValue ?? []).compactMap { error in
            error["message"]?.stringValue.map { message in
                error["line"]?.numberValue.map { "line \($0.int64Value ?? 0): \(message)" } ?? message
            }
        }
    }
}

/// A batch request the endpoint refused, or an answer Vigil cannot read.
public struct BatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the endpoint said, or what Vigil could not read, with the key masked.
    public var message: String
    /// The HTTP status, when the endpoint answered.
    public var status: Int?
    /// Worth trying again (a timeout, a 429 or 5xx, a lost connection).
    public var isRetryable: Bool

    /// An error that says `message`; `isRetryable` for what a later call may not meet (a 5xx, a
    /// lost connection).
    public init(_ message: String, status: Int? = nil, isRetryable: Bool = false) {
        self.message = message
        self.status = status
        self.isRetryable = isRetryable
    }

    /// The message alone: it is printed after what Vigil was doing (`uploading ...: message`).
    public var description: String { message }
}
