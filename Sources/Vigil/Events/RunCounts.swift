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
