import JSONSchema

/// How one item ended.
enum ItemOutcome: Sendable {
    /// `sha256`: of the input bytes the last attempt sent (a record's canonical JSON).
    case success(InputItem, attempts: Int, latency: Double, result: JSONValueBox, usage: TokenUsage, sha256: String?)
    case failure(InputItem, attempts: Int, latency: Double, ItemFailure, usage: TokenUsage, sha256: String?)
    /// Stopped before it ended (abort or interruption): the item stays to do.
    case cancelled(InputItem)
    /// The model has been unreachable longer than `breaker.give_up_after`: the item stays
    /// to do and the run stops as interrupted.
    case gaveUp(InputItem, outage: Double)
    /// Not an item: the grace period after a stop request ran out (or was called off).
    case graceExpired
    /// Not an item: a stop was requested (wakes the loop while every item is busy).
    case stopRequested
}

/// Wraps a result so `ItemOutcome` stays small.
struct JSONValueBox: Sendable {
    var value: JSONValue
}
