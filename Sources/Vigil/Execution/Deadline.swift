/// Runs work with a time limit: whichever finishes first, the work or the clock, wins; the
/// other is cancelled (a subprocess is then torn down by its cancellation handler).
public enum Deadline {
    public static func run<T: Sendable>(within limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw DeadlineExceeded(limit: limit)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }
}

public struct DeadlineExceeded: Error, Sendable {
    public var limit: Duration
}
