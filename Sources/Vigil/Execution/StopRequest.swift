import Synchronization

/// Why the run was asked to stop taking items (a signal, the library's `requestStop`), shared
/// by the item loop and every item's attempts: an attempt that is only waiting (for the
/// breaker's probe, a retry's backoff, the rate limit) gives up at once and its item stays to
/// do, instead of holding the stop for the grace period.
final class StopRequest: Sendable {
    private let reason = Mutex<String?>(nil)

    /// The first reason given (nil: no stop was asked for).
    var current: String? { reason.withLock { $0 } }

    /// Asks for a stop; a later reason does not replace the first.
    func request(_ why: String) {
        reason.withLock { $0 = $0 ?? why }
    }

    /// Sleeps `duration`, waking every 100 ms to see whether a stop was asked for; throws
    /// `CancellationError` then, or when the task is cancelled.
    func sleep(for duration: Duration) async throws {
        let deadline = ContinuousClock.now + duration
        while true {
            if current != nil { throw CancellationError() }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return }
            try await Task.sleep(for: min(left, .milliseconds(100)))
        }
    }
}
