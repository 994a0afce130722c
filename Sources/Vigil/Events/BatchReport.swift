/// What a `batch.*` event says of one provider batch: its id, the file of requests it runs,
/// its state and counts as the endpoint last reported them.
public struct BatchReport: Sendable, Equatable {
    /// The endpoint's batch id.
    public var batch: String
    /// The uploaded file of requests.
    public var file: String
    /// `validating`, `in_progress`, `finalizing`, `completed`, `expired`, `cancelling`,
    /// `cancelled`, `failed`.
    public var state: String
    /// Requests in the batch.
    public var requests: Int
    /// Answered so far (as the endpoint counts).
    public var completed: Int
    /// Failed so far (as the endpoint counts).
    public var failed: Int
    /// What went wrong (`batch.failed`), or what was done with the requests it did not run.
    public var message: String?

    /// A report of one provider batch, as `batch.*` events carry it.
    public init(
        batch: String, file: String, state: String, requests: Int, completed: Int = 0, failed: Int = 0,
        message: String? = nil
    ) {
        self.batch = batch
        self.file = file
        self.state = state
        self.requests = requests
        self.completed = completed
        self.failed = failed
        self.message = message
    }
}
