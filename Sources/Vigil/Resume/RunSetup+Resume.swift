import Foundation
import JSONSchema

extension RunSetup {
    /// Prepares a stopped or crashed run to continue in its own folder: takes its lock
    /// (refusing if its process is alive), checks the job copy, prompt, schema, inputs and
    /// tool against the manifest, repairs torn last lines, and rebuilds what was done from
    /// the files; the engine then runs only the items not yet in results.jsonl or
    /// failed.jsonl, publishes `run.resumed` and finishes the same folder.
    /// - Parameter job: the run's job as `recorded.loadJob()` gives it (its copy, checked).
    ///   A run its budget stopped resumes when `job.budget` raises the cap it reached
    ///   (`vigil resume --max-cost`); the new caps are recorded in the manifest.
    public static func resuming(_ recorded: RecordedRun, job: JobSpec, allowDrift: Bool = false) async throws
        -> RunSetup
    {
        let status = recorded.manifest.status
        let spent = recorded.manifest.cost
        // A shard keeps its part of the job's caps: of a new cap (`--max-cost`) too.
        let share = recorded.manifest.shardShare.map { ShardShare(of: job, among: $0.count) }
        if status == .aborted, let spent, spent.exhausted {
            guard Self.raises(share?.budget ?? job.budget, over: spent.budget) else {
                throw ResumeRefusal.budgetReached(recorded.manifest)
            }
        } else if status != .running && status != .interrupted {
            throw ResumeRefusal.ended(recorded.manifest)
        }
        let lock: RunLock
        do {
            lock = try RunLock(folder: recorded.folder.url)
        } catch let held as RunLock.Held {
            throw ResumeRefusal.stillRunning(held)
        }
        let converter = await imageConverter(for: job)
        var (drift, changedStamps) = PinCheck.check(recorded, job: job, for: .resume)
        drift += PinCheck.libvipsDrift(of: recorded.manifest, converter: converter)
        guard drift.isEmpty || allowDrift else { throw ResumeRefusal.drift(drift) }
        let only = try recorded.itemFilter()
        let history = try RunHistory.rebuild(
            recorded.folder, job: job, manifest: recorded.manifest, only: only,
            keepsSamples: recorded.manifest.canary != nil)
        var manifest = recorded.manifest
        if let share { manifest.shardShare = share }
        manifest.status = .running
        manifest.endedAt = nil
        manifest.verdict = nil
        manifest.resumes.append(
            RunManifest.Resumption(
                at: Timestamp.now(), repairedBytes: history.repairedBytes,
                recoveredItems: history.recovered, drift: drift.map(\.message),
                budget: job.budget != (spent?.budget ?? BudgetSpec(json: job.document["budget"])) ? job.budget : nil))
        try manifest.write(to: recorded.folder.manifest)
        // Allowed past changed inputs: those not yet sent go out as they are now (their
        // digests recorded on their lines), not failed against stamps they no longer have.
        return RunSetup(
            folder: recorded.folder, lock: lock, manifest: manifest, history: history, only: only,
            restamped: changedStamps, imageConverter: converter)
    }

    /// `new` lifts a cap `old` had (or drops it).
    static func raises(_ new: BudgetSpec?, over old: BudgetSpec?) -> Bool {
        func higher<T: Comparable>(_ new: T?, _ old: T?) -> Bool {
            guard let old else { return false }
            return new.map { $0 > old } ?? true
        }
        return higher(new?.maxCost, old?.maxCost) || higher(new?.maxTokens, old?.maxTokens)
    }

    /// The drift a resume was allowed to continue past (`--allow-drift`), if any.
    public var resumedDrift: [String] { history == nil ? [] : manifest.resumes.last?.drift ?? [] }
}
