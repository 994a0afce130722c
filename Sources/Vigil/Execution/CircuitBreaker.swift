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
    /// When the current run of availability failures began.
    private var firstFailure: Double?

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

    /// Waits until an attempt may go out; throws `GaveUp` once the outage is too long, and
    /// `CancellationError` when the run is asked to stop while it waits.
    func acquire(unless stop: StopRequest) async throws {
        while true {
            if stop.current != nil { throw CancellationError() }
            let now = Timestamp.now()
            if let outageStart, now - outageStart > giveUpAfter { throw GaveUp(outage: now - outageStart) }
            switch state {
            case .closed:
                return
            case .open(let until) where now >= until:
                state = .probing
                return
            case .open(let until):
                try await stop.sleep(for: .milliseconds(Int64(max(10, (until - now) * 1000))))
            case .probing:
                try await stop.sleep(for: .milliseconds(Int64(max(10, min(coolDown, 1) * 1000))))
            }
        }
    }

    /// Waits until an attempt may go out; throws `GaveUp` once the outage is too long.
    public func acquire() async throws {
        try await acquire(unless: StopRequest())
    }

    /// The endpoint answered (whatever the answer): it is available. Returns the report of
    /// the breaker closing, when it was open (`breaker.closed`).
    @discardableResult
    public func recordAvailable() -> BreakerReport? {
        defer {
            consecutiveFailures = 0
            outageStart = nil
            firstFailure = nil
            state = .closed
        }
        guard case .closed = state else {
            return BreakerReport(
                reason: "the endpoint answered again", since: outageStart ?? Timestamp.now(),
                failures: consecutiveFailures)
        }
        return nil
    }

    /// An availability failure (`reason`: what it was). Returns the report of the breaker
    /// opening (`breaker.opened`), also when a probe failed and it opens again.
    @discardableResult
    public func recordUnavailable(_ reason: String = "an availability failure") -> BreakerReport? {
        consecutiveFailures += 1
        let now = Timestamp.now()
        firstFailure = firstFailure ?? now
        switch state {
        case .probing:
            state = .open(until: now + coolDown)
        case .closed where consecutiveFailures >= openAfter:
            outageStart = outageStart ?? firstFailure
            state = .open(until: now + coolDown)
        default:
            return nil
        }
        return BreakerReport(
            reason: reason, since: outageStart ?? now, nextProbe: now + coolDown, failures: consecutiveFailures)
    }
}
