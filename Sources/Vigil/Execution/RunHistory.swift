import Foundation
import JSONSchema

/// What a run had done when it stopped, rebuilt from its files: results.jsonl and
/// failed.jsonl say which items are done; events.jsonl says in what order (for the
/// thresholds) and holds the outcome of an item that ended just before a crash, when its
/// event reached the log but its result line did not (the log is written first).
struct RunHistory {
    /// Ids of the items in results.jsonl or failed.jsonl.
    var done = Set<String>()
    var succeeded = 0
    var failed = 0
    var monitor: ThresholdMonitor
    /// The reference items' judge, as the log's outcomes left it (nil: no `reference`).
    var reference: ReferenceJudge?
    /// `thresholds.fields`, as the log's successes left it.
    var fill: FieldFillMonitor?
    var latency = LatencyHistogram()
    var usage = TokenUsage()
    /// What the recorded items cost (their lines' `cost`).
    var spend = Spend()
    /// A canary's items as its projection reads them (from the event log).
    var samples: [CostSample] = []
    /// The last event number in the log; the resumed run continues after it.
    var lastSequence = 0
    /// Bytes the repair cut off the appended files, by file name.
    var repairedBytes: [String: Int] = [:]
    /// Items whose outcome was taken from the event log and written to their file now.
    var recovered = 0
    /// A threshold that had already failed when the run stopped (it ends at once, aborted).
    var verdict: Verdict?
}
