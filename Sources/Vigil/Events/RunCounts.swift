/// Items done so far: every item ends as exactly one success or one failure.
public struct RunCounts: Sendable, Equatable {
    /// Items the run covers.
    public var total: Int
    /// Items that ended in results.jsonl.
    public var succeeded: Int
    /// Items that failed (every attempt spent, or a final failure).
    public var failed: Int

    /// Counts of a run of `total` items, of which `succeeded` and `failed` have ended.
    public init(total: Int, succeeded: Int, failed: Int) {
        self.total = total
        self.succeeded = succeeded
        self.failed = failed
    }

    /// Items that ended, either way.
    public var completed: Int { succeeded + failed }
    /// Succeeded over completed (0 before any item ended).
    public var successRate: Double { completed == 0 ? 0 : Double(succeeded) / Double(completed) }
}
