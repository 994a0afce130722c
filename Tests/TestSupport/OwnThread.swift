import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Blocking work on a thread of its own, started with `pthread_create` directly: off Swift's
/// cooperative threads (two on a 2-core machine: two tests blocked there stall every task of
/// the process), and loud when the thread cannot be started. (Foundation's
/// `Thread.detachNewThread` ignores a failed `pthread_create`: the work never runs, and a task
/// awaiting it waits forever.)
public enum OwnThread {
    /// Starts `work` on a new detached thread; throws when no thread can be made.
    public static func start(_ work: @escaping @Sendable () -> Void) throws {
        final class Work {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let context = Unmanaged.passRetained(Work(work)).toOpaque()
        var thread: pthread_t = 0
        let result = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().body()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Work>.fromOpaque(context).release()
            throw ChildProcessError("cannot start a thread: \(String(cString: strerror(result)))")
        }
        pthread_detach(thread)
    }

    /// Runs blocking `work` on a thread of its own and returns what it returned.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try start { continuation.resume(with: Result { try work() }) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}
