public import Foundation

/// `run.lock` in a run folder: held (flock) by the one process running the folder, from
/// its start to its end. The kernel releases it when that process dies in any way —
/// `kill -9` included — so a lock that cannot be taken means the run is alive, never
/// that a crash left it behind. The file holds the owner's pid, for the message.
public final class RunLock: Sendable {
    /// The lock file (`run.lock`).
    public let url: URL
    private let descriptor: Int32

    /// Another process holds the lock: the run is still going.
    public struct Held: Error, CustomStringConvertible {
        /// The run folder whose `run.lock` this process holds.
        public let folder: URL
        /// The process holding the lock, as it wrote itself there.
        public let owner: String
        /// Who holds it and how to stop them.
        public var description: String {
            "the run in \(folder.path) is still running (process \(owner) holds \(folder.lastPathComponent)/run.lock); "
                + "wait for it to end, or stop it with `kill -INT \(owner)`, then resume"
        }
    }

    /// Takes the lock of `folder` or throws `Held` at once (it never waits).
    public init(folder: URL) throws {
        url = folder.appendingPathComponent("run.lock")
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileError("open", url.path)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let owner = (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw Held(folder: folder, owner: owner.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// The process holding `folder`'s lock (its pid as it wrote it), or nil when no process
    /// runs the folder: a run whose log has no end event and no holder has crashed. (A shared
    /// lock, held for an instant: it never stops a runner, which takes its lock once, first.)
    public static func holder(of folder: URL) -> String? {
        let url = folder.appendingPathComponent("run.lock")
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            _ = flock(descriptor, LOCK_UN)
            return nil
        }
        let owner =
            (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return owner.isEmpty ? "unknown" : owner
    }

    /// Lets another process (or engine) take the folder: the run has ended.
    public func release() {
        _ = flock(descriptor, LOCK_UN)
    }

    deinit {
        // Closing the descriptor releases the lock; the file stays (it is harmless and
        // removing it would race with a process about to lock it).
        close(descriptor)
    }
}
