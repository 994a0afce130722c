import Foundation

/// A token bucket: `requests` requests per `per` seconds, with bursts of at most one
/// second's worth (and at most `requests`). Waiting callers are served in arrival order.
///
/// Why not bursts of `requests`: a bucket that holds a whole `per` of tokens lets through
/// twice the limit in one `per` (the full bucket, then its refill), and with `per: 1m` it
/// sends hundreds of requests in the first second — what a provider counting per second or
/// per minute answers with 429s.
public actor RateLimiter {
    private let capacity: Double
    private let refillPerSecond: Double
    private var tokens: Double
    private var lastRefill: ContinuousClock.Instant
    private let clock = ContinuousClock()

    /// At most `requests` per `seconds`, shared by every caller.
    public init(requests: Int, per seconds: Double) {
        refillPerSecond = Double(max(1, requests)) / max(0.001, seconds)
        capacity = min(Double(max(1, requests)), max(1, refillPerSecond.rounded(.up)))
        tokens = capacity
        lastRefill = ContinuousClock.now
    }

    /// Waits until a request may go out, and takes its token.
    public func acquire() async throws {
        while true {
            refill()
            if tokens >= 1 {
                tokens -= 1
                return
            }
            let wait = (1 - tokens) / refillPerSecond
            // Reserve the token now so later callers queue behind this one.
            tokens -= 1
            try await Task.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up))))
            return
        }
    }

    private func refill() {
        let now = clock.now
        let elapsed = now - lastRefill
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(capacity, tokens + seconds * refillPerSecond)
        lastRefill = now
    }
}
