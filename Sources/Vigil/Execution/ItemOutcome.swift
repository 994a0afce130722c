import JSONSchema

/// How one item ended.
enum ItemOutcome: Sendable {
    case success(EndedItem, result: JSONValueBox)
    case failure(EndedItem, ItemFailure)
    /// Stopped before it ended (abort or interruption): the item stays to do.
    case cancelled(InputItem)
    /// The budget could not cover its request: it was not sent and stays to do; the run
    /// ends as aborted once those in flight have ended.
    case notSent(InputItem)
    /// The model has been unreachable longer than `breaker.give_up_after`: the item stays
    /// to do and the run stops as interrupted.
    case gaveUp(InputItem, outage: Double)

    /// The ended item's record, when it ended (success or failure).
    var ended: EndedItem? {
        switch self {
        case .success(let ended, _), .failure(let ended, _): ended
        case .cancelled, .notSent, .gaveUp: nil
        }
    }

    /// How an item that ended was judged: its result, or its failure (nil: it did not end).
    var answer: Result<JSONValue, ItemFailure>? {
        switch self {
        case .success(_, let box): .success(box.value)
        case .failure(_, let failure): .failure(failure)
        case .cancelled, .notSent, .gaveUp: nil
        }
    }

    /// The outcome of an item that ended with an answer judged so (live, cached or batched).
    static func judged(_ ended: EndedItem, _ verdict: Result<JSONValue, ItemFailure>) -> ItemOutcome {
        switch verdict {
        case .success(let result): .success(ended, result: JSONValueBox(value: result))
        case .failure(let failure): .failure(ended, failure)
        }
    }
}

/// What every ended item records, success or failure.
struct EndedItem: Sendable {
    var item: InputItem
    var attempts: Int
    var latency: Double
    /// Tokens over all its attempts.
    var usage: TokenUsage
    /// What its answers cost.
    var spend: Spend
    /// What its line and event record: nothing when neither priced nor reported.
    var recordedSpend: Spend? { spend.isUnknown ? nil : spend }
    /// Of the input bytes the last attempt sent (a record's canonical JSON).
    var sha256: String?
    /// What the model was shown of an image input (nil: not an image, or nothing sent).
    var sent: SentImage?
    /// The answer came from the response cache.
    var cached = false
    /// A coordinated shard's: the run's threshold counts just after this item was judged
    /// (nil: this process's own counts judge it).
    var runTally: ThresholdTally?

    /// What its event says of it.
    var report: ItemReport {
        ItemReport(
            item: item.id, attempt: attempts, latencyMilliseconds: latency, usage: usage, spend: recordedSpend,
            cached: cached, sent: sent)
    }
}

/// Wraps a result so `ItemOutcome` stays small.
struct JSONValueBox: Sendable {
    var value: JSONValue
}
