/// Why a run was stopped by a threshold (or a consumer).
public struct Verdict: Sendable, Equatable {
    public var check: ThresholdCheck?
    public var message: String

    public init(check: ThresholdCheck?, message: String) {
        self.check = check
        self.message = message
    }
}
