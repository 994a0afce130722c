import Foundation

/// Why a run folder cannot be resumed; each says what to do instead.
public enum ResumeRefusal: ExitStatusError {
    /// The run ended (completed, aborted, failed): there is nothing to continue.
    case ended(RunManifest)
    /// The run stopped at its budget and no higher cap was given.
    case budgetReached(RunManifest)
    /// Another process is running the folder.
    case stillRunning(RunLock.Held)
    /// Something the run pinned changed; continuing would mix two runs in one folder.
    case drift([Drift])

    /// Why, and what to do instead.
    public var description: String {
        switch self {
        case .ended(let manifest):
            let status = manifest.status
            let next =
                status == .completed
                ? "nothing to resume"
                : "to continue with a fixed job start a new run (`vigil run JOB`); to try its failed items again, `vigil run --retry-failed RUN_DIR`"
            return
                "run \(manifest.runID) already ended: \(status.rawValue)\(manifest.verdict.map { " (\($0))" } ?? ""); \(next)"
        case .budgetReached(let manifest):
            let caps = manifest.cost?.budget
            let flags = [caps?.maxCost.map { _ in "--max-cost USD" }, caps?.maxTokens.map { _ in "--max-tokens N" }]
                .compactMap { $0 }.joined(separator: " or ")
            return "run \(manifest.runID) stopped at its budget\(manifest.verdict.map { " (\($0))" } ?? ""); "
                + "to send the rest, resume it with a higher cap: vigil resume RUN_DIR \(flags) (what it spent counts against the new cap)"
        case .stillRunning(let held):
            return held.description
        case .drift(let drift):
            return (["the run's pins have drifted:"] + Drift.lines(drift).map { "  \($0)" }).joined(separator: "\n")
                + "\ncontinuing would mix two different runs in one folder. Restore them, "
                + "or pass --allow-drift to continue anyway (the drift is recorded in the manifest; a changed input not yet sent "
                + "is then sent as it is now, with its sha256 on its line). Inputs are listed by size and modification time, "
                + "so a restored file counts as changed until --allow-drift"
        }
    }

    /// Drift: 7; nothing to resume: 0; the rest: 2.
    public var exitStatus: ExitStatus {
        switch self {
        case .drift: .drift
        // Nothing to resume is not a failure.
        case .ended(let manifest) where manifest.status == .completed: .success
        case .ended, .stillRunning, .budgetReached: .invalidJobOrUsage
        }
    }
}
