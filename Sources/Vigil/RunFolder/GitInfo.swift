import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// The git commit a job file was run from, and whether it had uncommitted changes.
enum GitInfo {
    static func state(of file: URL) async -> RunManifest.GitState? {
        let folder = file.deletingLastPathComponent().path
        guard
            let commit = try? await Subprocess.run(
                .name("git"), arguments: ["-C", folder, "rev-parse", "HEAD"], output: .string(limit: 4096),
                error: .discarded),
            commit.terminationStatus.isSuccess
        else { return nil }
        let status = try? await Subprocess.run(
            .name("git"), arguments: ["-C", folder, "status", "--porcelain", "--", file.lastPathComponent],
            output: .string(limit: 1 << 16),
            error: .discarded)
        let dirty = !(status?.standardOutput ?? "").trimmingWhitespace().isEmpty
        return RunManifest.GitState(commit: commit.standardOutput.trimmingWhitespace(), dirty: dirty)
    }
}
