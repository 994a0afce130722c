import Foundation

/// Why a run folder cannot be resumed; each says what to do instead.
public enum ResumeRefusal: ExitStatusError {
    /// The run ended (completed, aborted, failed): there is nothing to continue.
    case ended(RunManifest)
    /// Another process is running the folder.
    case stillRunning(RunLock.Held)
    /// Something the run pinned changed; continuing would mix two runs in one folder.
    case drift([Drift])

    /// Why, and what to do instead.
    public var description: String {
        switch self {
        case .ended(let manifest):
            let status = manifest.status
            let next = status == "completed"
                ? "nothing to resume"
                : "to continue with a fixed job start a new run (`vigil run JOB`); to try its failed items again, `vigil run --retry-failed RUN_DIR`"
            return "run \(manifest.runID) already ended: \(status)\(manifest.verdict.map { " (\($0))" } ?? ""); \(next)"
        case .stillRunning(let held):
            return held.description
        case .drift(let drift):
            return (["the run's pins have drifted:"] + Drift.lines(drift).map { "  \($0)" }).joined(separator: "\n")
                + "\ncontinuing would mix two different runs in one folder. Restore them, "
                + "or pass --allow-drift to continue anyway (the drift is recorded in the manifest)"
        }
    }

    /// Drift: 7; nothing to resume: 0; the rest: 2.
    public var exitStatus: ExitStatus {
        switch self {
        case .drift: .drift
        // Nothing to resume is not a failure.
        case .ended(let manifest) where manifest.status == RunStatus.completed.rawValue: .success
        case .ended, .stillRunning: .invalidJobOrUsage
        }
    }
}

extension RunEngine {
    /// Continues a stopped or crashed run in its own folder: takes its lock (refusing if its
    /// process is alive), checks the job copy, prompt, schema, inputs and tool against the
    /// manifest, repairs torn last lines, rebuilds what was done from the files, and runs
    /// only the items not yet in results.jsonl or failed.jsonl. `run()` then publishes
    /// `run.resumed` and finishes the same folder.
    /// - Parameter job: the run's job as `recorded.loadJob()` gives it (its copy, checked).
    public convenience init(
        resuming recorded: RecordedRun, job: JobSpec, allowDrift: Bool = false, provider: (any ModelProvider)? = nil, options: RunOptions = RunOptions()
    ) async throws {
        guard recorded.manifest.status == RunStatus.running.rawValue || recorded.manifest.status == RunStatus.interrupted.rawValue else {
            throw ResumeRefusal.ended(recorded.manifest)
        }
        let lock: RunLock
        do {
            lock = try RunLock(folder: recorded.folder.url)
        } catch let held as RunLock.Held {
            throw ResumeRefusal.stillRunning(held)
        }
        let drift = PinCheck.drift(of: recorded, job: job, for: .resume)
        guard drift.isEmpty || allowDrift else { throw ResumeRefusal.drift(drift) }
        let history = try RunHistory.rebuild(recorded.folder, job: job)
        var manifest = recorded.manifest
        manifest.status = RunStatus.running.rawValue
        manifest.endedAt = nil
        manifest.verdict = nil
        manifest.resumes.append(
            RunManifest.Resumption(
                at: Timestamp.now(), repairedBytes: history.repairedBytes,
                recoveredItems: history.recovered, drift: drift.map(\.message)))
        try manifest.write(to: recorded.folder.manifest)
        try self.init(
            job: job, prompt: job.sources.promptText, provider: provider, options: options,
            folder: recorded.folder, lock: lock, manifest: manifest, history: history, only: try recorded.itemFilter())
    }

    /// The drift a resume was allowed to continue past (`--allow-drift`), if any.
    public var resumedDrift: [String] { history == nil ? [] : manifestBase.resumes.last?.drift ?? [] }
}
