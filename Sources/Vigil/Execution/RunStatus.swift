/// How a run ended.
public enum RunStatus: String, Sendable, Equatable {
    case running
    /// Every item was tried and at least one succeeded.
    case completed
    /// A threshold (or a consumer) stopped the run.
    case aborted
    /// Every item was tried and none succeeded, or the run could not go on.
    case failed
    /// Stopped by a signal or an outage; resumable.
    case interrupted
}

extension RunStatus {
    /// How `vigil run` (or `resume`, `rerun`) exits after a run that ended this way.
    public var exitStatus: ExitStatus {
        switch self {
        case .completed: .success
        case .aborted: .aborted
        case .interrupted: .interrupted
        case .failed: .noSuccess
        case .running: .internalError
        }
    }
}
