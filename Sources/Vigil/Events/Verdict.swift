/// Why a run was stopped by a threshold (or a consumer).
public struct Verdict: Sendable, Equatable {
    /// The threshold check that failed (nil: a consumer or a refused key stopped the run).
    public var check: ThresholdCheck?
    /// One line that says why.
    public var message: String
    /// Items in flight are cancelled (a failing threshold: their answers would be wasted);
    /// false when they may end and be recorded (an exhausted budget: they are paid for).
    public var stopsAtOnce: Bool

    /// Why a run was stopped: the check that failed (nil: a consumer, a refused key, the
    /// budget), in one sentence; a budget's verdict lets what is in flight end.
    public init(check: ThresholdCheck?, message: String, stopsAtOnce: Bool = true) {
        self.check = check
        self.message = message
        self.stopsAtOnce = stopsAtOnce
    }
}
