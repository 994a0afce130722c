import Foundation
import JSONSchema

/// One item's state while its attempts run: which attempt this is, what its answers used and
/// cost, the sha256 of the bytes it last sent, and when it began. `ItemAttempts` passes it
/// through its steps; it becomes the item's `EndedItem` when the item ends.
struct ItemTrack {
    let frozen: FrozenItems.Item
    /// The item's file (nil: a record).
    let fileURL: URL?
    let begin = ContinuousClock.now
    var attempt = 1
    /// Tokens over all its attempts.
    var usage = TokenUsage()
    /// What its answers cost.
    var spend = Spend()
    /// A record's digest is the list's; a file's comes from each attempt's read.
    var sha256: String?
    /// The answer came from the response cache.
    var cached = false
    /// What the model was shown of an image input, at the last attempt.
    var sent: SentImage?

    init(_ frozen: FrozenItems.Item, paths: PathResolver) {
        self.frozen = frozen
        fileURL = frozen.item.path.map { paths.url($0) }
        sha256 = frozen.entry.sha256
    }

    var item: InputItem { frozen.item }

    /// What its line and event record, now.
    var ended: EndedItem {
        EndedItem(
            item: item, attempts: attempt, latency: milliseconds(ContinuousClock.now - begin), usage: usage,
            spend: spend, sha256: sha256, sent: sent, cached: cached)
    }

    func failed(_ failure: ItemFailure) -> ItemOutcome { .failure(ended, failure) }

    /// The item ends as its judged answer says.
    func judged(_ verdict: Result<JSONValue, ItemFailure>) -> ItemOutcome { .judged(ended, verdict) }
}

/// A duration in milliseconds, as events and lines record latencies.
func milliseconds(_ duration: Duration) -> Double {
    duration.inSeconds * 1000
}
