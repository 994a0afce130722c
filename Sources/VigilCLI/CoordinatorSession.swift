import Foundation
import Logging
import Vigil

/// A shard's coordinator for `vigil run --shard` and `vigil resume`: opened and joined before
/// anything is sent, closed when the shard ends. A coordinator that cannot be used refuses the
/// run with exit 2, naming the server (never its password).
enum CoordinatorSession {
    /// Opens `spec`'s coordinator for `shard` of run `runID` (nil: the job has none);
    /// `settingCaps`: `spec.budget` becomes the run's caps there (a resume's `--max-cost`).
    static func open(
        for spec: JobSpec, shard: Shard, runID: String, environment: [String: String], logger: Logger,
        settingCaps: Bool = false
    ) async throws -> RunCoordination? {
        guard let coordinator = spec.coordinator else { return nil }
        let variable = coordinator.urlEnvironment
        do {
            // An unset variable was refused by the job's checks already.
            let url = try CoordinatorURL(environment[variable] ?? "")
            let store = try await CoordinatorStore.open(url, logger: logger)
            do {
                try await store.join(
                    run: runID, jobSHA256: FileDigest.sha256(of: Data(spec.sources.job)), budget: spec.budget,
                    rateLimit: spec.execution.rateLimit, settingCaps: settingCaps)
            } catch {
                await store.close()
                throw error
            }
            return RunCoordination(store: store, runID: runID, shard: "\(shard)", job: spec)
        } catch {
            throw CommandFailure(
                "coordinator (\(variable), coordinator.url_env): \(error); nothing was sent", .invalidJobOrUsage)
        }
    }

    /// Runs `body` with the coordinator open, and closes it after, however `body` ends.
    static func closing<T>(_ coordination: RunCoordination?, _ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await coordination?.store.close()
            return result
        } catch {
            await coordination?.store.close()
            throw error
        }
    }
}
