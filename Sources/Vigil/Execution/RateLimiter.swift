import Foundation

/// A token bucket: `requests` requests per `per` seconds, with bursts of at most one
/// second's worth (and at most `requests`). Waiting callers are served in arrival order.
///
/// Why not bursts of `requests`: a bucket that holds a whole `per` of tokens lets through
/// twice the limit in one `per` (the full bucket, then its refill), and with `per: 1m` it
/// sends hundreds of requests in the first second — what a provider counting per second or
/// per minute answers with 429s.
public actor RateLimiter {
    /// Where time comes from: the system's monotonic clock, or a virtual one in tests (the
    /// limiter's arithmetic checked exactly, whatever else the machine is doing).
    public struct Clock: Sendable {
        /// Seconds since some fixed moment.
        public var now: @Sendable () -> Double
        /// Waits this many seconds.
        public var sleep: @Sendable (Double) async throws -> Void

        public init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) async throws -> Void) {
            self.now = now
            self.sleep = sleep
        }

        /// `ContinuousClock` and `Task.sleep`.
        public static let system: Clock = {
            let start = ContinuousClock.now
            return Clock(
                now: {
                    (ContinuousClock.now - start).inSeconds
                },
                sleep: { seconds in try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) })
        }()
    }

    private let capacity: Double
    private let refillPerSecond: Double
    private var tokens: Double
    private var lastRefill: Double
    private let clock: Clock

    /// At most `requests` per `seconds`, shared by every caller; `1/share` of that when
    /// `share` processes keep the limit between them (the shards of a run without a
    /// coordinator). The rate and the burst are both divided: the shards' buckets together
    /// are the one bucket of a single process, so they never send more than it would, even
    /// when a share is less than one request (that shard's first request waits for its token).
    public init(requests: Int, per seconds: Double, share: Int = 1, clock: Clock = .system) {
        let parts = Double(max(1, share))
        let wholeRate = Double(max(1, requests)) / max(0.001, seconds)
        refillPerSecond = wholeRate / parts
        capacity = min(Double(max(1, requests)), max(1, wholeRate.rounded(.up))) / parts
        tokens = capacity
        self.clock = clock
        lastRefill = clock.now()
    }

    /// Waits until a request may go out, and takes its token.
    public func acquire() async throws {
        refill()
        if tokens >= 1 {
            tokens -= 1
            return
        }
        let wait = (1 - tokens) / refillPerSecond
        // Reserve the token now so later callers queue behind this one.
        tokens -= 1
        try await clock.sleep(wait)
    }

    private func refill() {
        let now = clock.now()
        tokens = min(capacity, tokens + (now - lastRefill) * refillPerSecond)
        lastRefill = now
    }
}
