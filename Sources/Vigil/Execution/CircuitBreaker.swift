import Foundation

/// The availability circuit breaker (`execution.breaker`). After `openAfter` availability
/// failures in a row (connection errors, timeouts, 429, 5xx) it opens: new attempts wait
/// instead of burning their retries into failed.jsonl. After `coolDown` one probe goes out
/// (half-open); its success closes the breaker and everyone proceeds, its failure re-opens
/// it. An outage longer than `giveUpAfter` ends the run as interrupted (resumable).
public actor CircuitBreaker {
    /// Thrown to an attempt when the outage lasted longer than `giveUpAfter`.
    public struct GaveUp: Error, Sendable {
        /// How long the model had been unreachable, in seconds.
        public var outage: Double
    }

    private enum State {
        case closed
        case open(until: Double)
        case probing
    }

    private let openAfter: Int
    private let coolDown: Double
    private let giveUpAfter: Double
    private var state = State.closed
    private var consecutiveFailures = 0
    private var outageStart: Double?

    /// A breaker that opens after `openAfter` availability failures in a row.
    public init(openAfter: Int, coolDown: Double, giveUpAfter: Double) {
        self.openAfter = max(1, openAfter)
        self.coolDown = coolDown
        self.giveUpAfter = giveUpAfter
    }

    /// Attempts are being held back now.
    public var isOpen: Bool {
        if case .closed = state { return false }
        return true
    }

    /// Waits until an attempt may go out; throws `GaveUp` once the outage is too long.
    public func acquire() async throws {
        while true {
            let now = Timestamp.now()
            if let outageStart, now - outageStart > giveUpAfter { throw GaveUp(outage: now - outageStart) }
            switch state {
            case .closed:
                return
            case .open(let until) where now >= until:
                state = .probing
                return
            case .open(let until):
                try await Task.sleep(for: .milliseconds(Int64(max(10, (until - now) * 1000))))
            case .probing:
                try await Task.sleep(for: .milliseconds(Int64(max(10, min(coolDown, 1) * 1000))))
            }
        }
    }

    /// The endpoint answered (whatever the answer): it is available.
    public func recordAvailable() {
        consecutiveFailures = 0
        outageStart = nil
        state = .closed
    }

    /// An availability failure.
    public func recordUnavailable() {
        consecutiveFailures += 1
        let now = Timestamp.now()
        switch state {
        case .probing:
            state = .open(until: now + coolDown)
        case .closed where consecutiveFailures >= openAfter:
            outageStart = outageStart ?? now
            state = .open(until: now + coolDown)
        default:
            break
        }
    }
}
