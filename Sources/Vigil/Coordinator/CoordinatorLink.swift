import Logging
import NIOCore
import PostgresNIO

/// The store's connections to PostgreSQL: at most `limit`, each lent to one transaction at a
/// time, opened when needed and dropped when broken, so a restarted server is reached again on
/// the next call. (PostgresNIO's pool backs off for about a minute once connecting fails: a
/// shard would hang that long instead of stopping, and a restart would take that long to
/// notice.) Every transaction has a deadline: a server that stops answering is closed on, and
/// the call fails, instead of holding a shard.
actor CoordinatorLink {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let limit: Int
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var nextID = 0

    init(url: CoordinatorURL, logger: Logger, limit: Int = 4) {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password?.reveal(),
            database: url.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        self.configuration = configuration
        self.logger = logger
        self.limit = limit
    }

    /// Runs `body` on a connection of its own, within `limit`: in a transaction, or (`inTransaction`
    /// false) as it is, for one statement that is its own transaction (a server function: one
    /// round trip instead of three).
    nonisolated func perform<Result: Sendable>(
        within limit: Duration, inTransaction: Bool = true,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await take()
        let logger = self.logger
        let work: @Sendable (PostgresConnection) async throws -> Result
        if inTransaction {
            work = { connection in
                try await connection.withTransaction(logger: logger) { transaction in try await body(transaction) }
            }
        } else {
            work = body
        }
        do {
            let result = try await Self.run(on: connection, within: limit, work)
            await give(connection)
            return result
        } catch {
            await give(connection)
            throw error
        }
    }

    private static func run<Result: Sendable>(
        on connection: PostgresConnection, within limit: Duration,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body(connection) }
            group.addTask {
                try await Task.sleep(for: limit)
                // The query fails once its connection is closed: the group can end.
                try? await connection.close()
                return nil
            }
            while let next = try await group.next() {
                if let result = next {
                    group.cancelAll()
                    return result
                }
            }
            throw CoordinatorLinkTimeout(limit: limit)
        }
    }

    /// Opens a connection now (to say at once whether the server can be reached), and keeps it.
    func check() async throws {
        let connection = try await take()
        give(connection)
    }

    private func take() async throws -> PostgresConnection {
        while true {
            while let connection = idle.popLast() {
                if !connection.isClosed { return connection }
                open -= 1
            }
            if open < limit {
                open += 1
                nextID += 1
                do {
                    return try await PostgresConnection.connect(
                        configuration: configuration, id: nextID, logger: logger)
                } catch {
                    open -= 1
                    wakeOne()
                    throw error
                }
            }
            await withCheckedContinuation { waiting.append($0) }
        }
    }

    private func give(_ connection: PostgresConnection) {
        if connection.isClosed {
            open -= 1
        } else {
            idle.append(connection)
        }
        wakeOne()
    }

    private func wakeOne() {
        if !waiting.isEmpty { waiting.removeFirst().resume() }
    }

    /// Calls `notified` with each notification's payload on `channel`, on a connection of its
    /// own (a listening session holds its connection), until the task is cancelled or the
    /// connection is lost (it throws then: the caller listens again).
    nonisolated func listen(on channel: String, _ notified: @Sendable (String) -> Void) async throws {
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        defer { Task { try? await connection.close() } }
        try await connection.listen(on: channel) { notifications in
            for try await notification in notifications { notified(notification.payload) }
        }
    }

    /// Closes every connection.
    func close() async {
        for connection in idle { try? await connection.close() }
        idle.removeAll()
    }
}

/// A transaction did not end within its deadline.
struct CoordinatorLinkTimeout: Error, CustomStringConvertible {
    var limit: Duration
    var description: String { "no answer within \(limit)" }
}
