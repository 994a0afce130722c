/// The counts the thresholds are judged on, just after one more judged outcome: one process's
/// own (`ThresholdTally.Counter`), or the whole run's across its shards, from the coordinator
/// (`CoordinatorStore.judge`). The window's figures come before and after the outcome, so
/// whoever records the outcome that breaches the window is the one that says so.
public struct ThresholdTally: Sendable, Equatable {
    /// Outcomes judged so far (successes and quality failures).
    public var judged = 0
    /// Of the judged outcomes, those that succeeded.
    public var succeeded = 0
    /// Quality failures in a row, now.
    public var consecutiveFailures = 0
    /// Successes among the window's outcomes, and how many it holds (at most its size).
    public var windowSuccesses = 0
    public var windowFilled = 0
    /// The same two, before this outcome.
    public var windowSuccessesBefore = 0
    public var windowFilledBefore = 0

    public init(
        judged: Int = 0, succeeded: Int = 0, consecutiveFailures: Int = 0, windowSuccesses: Int = 0,
        windowFilled: Int = 0, windowSuccessesBefore: Int = 0, windowFilledBefore: Int = 0
    ) {
        self.judged = judged
        self.succeeded = succeeded
        self.consecutiveFailures = consecutiveFailures
        self.windowSuccesses = windowSuccesses
        self.windowFilled = windowFilled
        self.windowSuccessesBefore = windowSuccessesBefore
        self.windowFilledBefore = windowFilledBefore
    }

    /// Counts one process's outcomes, with a sliding window of `windowSize` (0: none).
    struct Counter: Sendable {
        private(set) var tally = ThresholdTally()
        private let windowSize: Int
        private var window: [Bool] = []
        private var windowNext = 0

        init(windowSize: Int) {
            self.windowSize = windowSize
        }

        /// The counts after one more outcome.
        mutating func record(success: Bool) -> ThresholdTally {
            tally.judged += 1
            if success {
                tally.succeeded += 1
                tally.consecutiveFailures = 0
            } else {
                tally.consecutiveFailures += 1
            }
            tally.windowSuccessesBefore = tally.windowSuccesses
            tally.windowFilledBefore = tally.windowFilled
            guard windowSize > 0 else { return tally }
            if window.count < windowSize {
                window.append(success)
            } else {
                if window[windowNext] { tally.windowSuccesses -= 1 }
                window[windowNext] = success
                windowNext = (windowNext + 1) % windowSize
            }
            if success { tally.windowSuccesses += 1 }
            tally.windowFilled = window.count
            return tally
        }
    }
}
