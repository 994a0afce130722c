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
