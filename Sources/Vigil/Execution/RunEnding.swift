/// How a run ends, once something has decided it: one value instead of a status, a
/// verdict, a failure message and an interruption reconciled at the end. Later decisions
/// may only make it more severe (a threshold that fails during the grace period after
/// Ctrl-C still aborts the run); one of equal severity keeps the first reason.
enum RunEnding: Sendable, Equatable {
    /// Interrupted by a signal, an outage or a run folder that stopped taking writes:
    /// resumable (`run.interrupted`, exit 4).
    case interrupted(String)
    /// The run could not go on (its items could not be read): `run.failed`, exit 5.
    case failed(String)
    /// A threshold, a consumer or a refused key stopped it: `run.aborted`, exit 3.
    case aborted(Verdict)

    var status: RunStatus {
        switch self {
        case .interrupted: .interrupted
        case .failed: .failed
        case .aborted: .aborted
        }
    }

    /// The one line that says why.
    var message: String {
        switch self {
        case .interrupted(let reason), .failed(let reason): reason
        case .aborted(let verdict): verdict.message
        }
    }

    /// `current` or `next`, whichever is more severe (`RunStatus.severity`; the first on a tie).
    static func decide(_ current: RunEnding?, _ next: RunEnding) -> RunEnding {
        guard let current, current.status.severity >= next.status.severity else { return next }
        return current
    }
}
