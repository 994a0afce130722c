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
    /// The run folder, for the lines that say where the outputs are and how to resume.
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
    /// What the run spent (across its resumes), and what may have been billed unanswered.
    public var spend: SpendLedger.Totals = SpendLedger.Totals()
    /// The manifest's cost record (nil: nothing was priced, reported or capped).
    public var cost: RunCostRecord?
    /// A canary's projection for its whole input set.
    public var projection: CostProjection?
    /// The run was a canary (`--canary N`).
    public var isCanary = false
    /// Provider batches (`model.batch`) still running at the endpoint as the run ended.
    public var batchesRunning = 0
}
