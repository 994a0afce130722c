/// What a finished run reports (also the eager `run()`'s return value).
public struct RunSummary: Sendable {
    /// How the run ended.
    public var status: RunStatus
    /// Items done, succeeded and failed, of the total.
    public var counts: RunCounts
    /// Why it was aborted, when it was.
    public var verdict: Verdict?
    /// Why the run was interrupted, when it was.
    public var interruption: String?
    /// The run folder.
    public var folder: RunFolder
    /// Events dropped for slow consumers, by consumer (all are in events.jsonl).
    public var droppedEvents: [String: Int]
    /// Events still buffered for a slow consumer when `RunOptions.deliveryLimit` ran out.
    public var undeliveredEvents: [String: Int]
    /// Rate and latencies at the end.
    public var progress: Progress
    /// From the start of this process's work on the run to the end of its last item (not
    /// the consumers' delivery after it).
    public var duration: Double
}
