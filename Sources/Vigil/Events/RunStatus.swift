/// How a run stands, or how it ended: the one name the manifest, the event log's replay,
/// the report, the dashboard and `vigil merge` all use. Files hold its raw value
/// (`"status": "completed"`).
public enum RunStatus: String, Sendable, Equatable, CaseIterable, Codable {
    /// Started and not ended (or ended by a crash that wrote no ending: no process holds
    /// its folder's lock then).
    case running
    /// Every item was tried and at least one succeeded.
    case completed
    /// A threshold (or a consumer) stopped the run.
    case aborted
    /// Every item was tried and none succeeded, or the run could not go on.
    case failed
    /// Stopped by a signal or an outage; resumable.
    case interrupted

    /// Whether the run has an ending (every status but `running`).
    public var hasEnded: Bool { self != .running }

    /// How bad an ending is: completed, then interrupted (resumable), failed, aborted (a
    /// threshold stopped it). A run made of shards ends as its worst shard did; a later
    /// decision in one run may only make its ending worse.
    public var severity: Int {
        switch self {
        case .running: 0
        case .completed: 1
        case .interrupted: 2
        case .failed: 3
        case .aborted: 4
        }
    }

    /// `self` or `other`, whichever is worse (`self` on a tie).
    public func worse(_ other: RunStatus) -> RunStatus { other.severity > severity ? other : self }

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
