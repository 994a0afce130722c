/// Why a run was stopped by a threshold (or a consumer).
public struct Verdict: Sendable, Equatable {
    /// The threshold check that failed (nil: a consumer or a refused key stopped the run).
    public var check: ThresholdCheck?
    /// One line that says why.
    public var message: String

    /// A verdict.
    public init(check: ThresholdCheck?, message: String) {
        self.check = check
        self.message = message
    }
}
