import Foundation

/// How a new run descends from a recorded one: reproduced whole (`vigil rerun`) or only
/// its failed items again (`vigil run --retry-failed`). The new manifest links back.
public struct RunLineage: Sendable {
    /// The run this one descends from, and how.
    public var origin: RunManifest.Origin
    /// Drift from the recorded pins the user allowed, recorded in the new manifest.
    public var drift: [String]
    /// The items to run (nil: all of the recorded run's).
    public var only: Set<String>?
    /// The original job and prompt files (the new run reads the copies, but records where
    /// they came from, so a rerun of the rerun checks the same files).
    public var jobPath: String
    /// The original prompt file.
    public var promptPath: String

    /// The lineage of a new run made from `recorded`.
    public init(_ kind: RunManifest.Origin.Kind, of recorded: RecordedRun, drift: [Drift]) throws {
        origin = RunManifest.Origin(kind: kind, runID: recorded.manifest.runID, manifest: recorded.folder.manifest.path)
        self.drift = drift.map(\.message)
        jobPath = recorded.manifest.jobPath
        promptPath = recorded.manifest.promptPath
        switch kind {
        case .rerun: only = try recorded.itemFilter()
        case .retryFailed: only = Set(try recorded.failedItems())
        }
    }
}
