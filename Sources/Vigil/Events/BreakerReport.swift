/// What `breaker.opened` and `breaker.closed` say: why attempts are held back, since when,
/// and when the next probe goes out; or how long the outage lasted.
public struct BreakerReport: Sendable, Equatable {
    /// The last availability failure (`HTTP 429: rate limited`), or what closed it.
    public var reason: String
    /// When the outage began (the first of the failures in a row that opened it).
    public var since: Double
    /// When the next probe goes out (`breaker.opened`).
    public var nextProbe: Double?
    /// Availability failures in a row so far.
    public var failures: Int

    /// A report of an open breaker: why, since when, when the next probe goes, after how many failures.
    public init(reason: String, since: Double, nextProbe: Double? = nil, failures: Int) {
        self.reason = reason
        self.since = since
        self.nextProbe = nextProbe
        self.failures = failures
    }
}
