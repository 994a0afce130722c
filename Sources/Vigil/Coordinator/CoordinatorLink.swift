import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// The store's connections to PostgreSQL: at most `limit`, each lent to one transaction at a
/// time, opened when needed and dropped when broken, so a restarted server is reached again on
/// the next call. (PostgresNIO's pool backs off for about a minute once connecting fails: a
/// shard would hang that long instead of stopping, and a restart would take that long to
/// notice.) Connecting and every transaction have a deadline: a server that stops answering is
/// closed on, and the call fails, instead of holding a shard.
actor CoordinatorLink {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let limit: Int
    /// How long connecting and logging in may take (the store's deadline for a transaction).
    private let connectDeadline: Duration
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var nextID = 0

    init(url: CoordinatorURL, logger: Logger, connectDeadline: Duration, limit: Int = 4) {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password?.reveal(),
            database: url.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        self.configuration = configuration
        self.logger = logger
        self.limit = limit
        self.connectDeadline = connectDeadline
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
            let result = try await Self.race(
                within: limit, { try await work(connection) },
                whenAbandoned: { Task { try? await connection.close() } })
            await give(connection)
            return result
        } catch let abandoned as CoordinatorLinkAbandoned {
            // Closed on, maybe not yet closed: never lent again.
            await discard(connection)
            throw abandoned.reason
        } catch is CancellationError {
            await discard(connection)
            throw CancellationError()
        } catch {
            await give(connection)
            throw error
        }
    }

    /// Runs `body` and returns what it returned; once `limit` has passed, or the caller is
    /// cancelled, throws `CoordinatorLinkAbandoned` at once, without waiting for `body`, and
    /// calls `whenAbandoned` (which ends what `body` holds); a value `body` returns after that
    /// goes to `whenLate`. (A query on a connection closed under it was seen never to end: a
    /// caller that waited for it hung for good, and a whole test process with it.)
    private static func race<Value: Sendable>(
        within limit: Duration, _ body: @escaping @Sendable () async throws -> Value,
        whenAbandoned: @escaping @Sendable () -> Void = {}, whenLate: @escaping @Sendable (Value) -> Void = { _ in }
    ) async throws -> Value {
        let race = FirstOutcome<Value>()
        let work = Task {
            do {
                let value = try await body()
                if !race.settle(.success(value)) { whenLate(value) }
            } catch {
                race.settle(.failure(error))
            }
        }
        let abandon: @Sendable (any Error) -> Void = { reason in
            guard race.settle(.failure(CoordinatorLinkAbandoned(reason: reason))) else { return }
            work.cancel()
            whenAbandoned()
        }
        let deadline = Task {
            try await Task.sleep(for: limit)
            abandon(CoordinatorLinkTimeout(limit: limit))
        }
        race.onSettled { deadline.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { race.wait($0) }
        } onCancel: {
            abandon(CancellationError())
        }
    }

    /// A new connection, logged in, within `connectDeadline`: a server that accepts the
    /// connection and then says nothing (a hung server, a port that is not PostgreSQL's) fails
    /// the call instead of holding it.
    private nonisolated func connect(id: Int) async throws -> PostgresConnection {
        let (configuration, logger) = (self.configuration, self.logger)
        do {
            return try await Self.race(
                within: connectDeadline,
                { try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger) },
                whenLate: { connection in Task { try? await connection.close() } })
        } catch let abandoned as CoordinatorLinkAbandoned {
            throw abandoned.reason
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
                    return try await connect(id: nextID)
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

    /// A connection whose transaction was abandoned (past its deadline, or its caller
    /// cancelled): closed, never lent again; it leaves the count, so another can be opened.
    private func discard(_ connection: PostgresConnection) {
        open -= 1
        Task { try? await connection.close() }
        wakeOne()
    }

    private func wakeOne() {
        if !waiting.isEmpty { waiting.removeFirst().resume() }
    }

    /// Calls `notified` with each notification's payload on `channel`, on a connection of its
    /// own (a listening session holds its connection), until the task is cancelled or the
    /// connection is lost (it throws then: the caller listens again).
    nonisolated func listen(on channel: String, _ notified: @Sendable (String) -> Void) async throws {
        let connection = try await connect(id: 0)
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

    /// A store dropped without `close()` (a caller that threw on the way) still closes its
    /// connections: a task holds them until they are.
    deinit {
        let idle = self.idle
        if !idle.isEmpty { Task { for connection in idle { try? await connection.close() } } }
    }
}

/// A transaction given up on (its deadline passed, its caller was cancelled): `reason` says which.
struct CoordinatorLinkAbandoned: Error {
    var reason: any Error
}

/// The first outcome of a race (an answer, a deadline, a cancellation) resumes the one waiting
/// caller; the later ones are dropped.
final class FirstOutcome<Value: Sendable>: Sendable {
    private struct State {
        var waiting: CheckedContinuation<Value, any Error>?
        var early: Result<Value, any Error>?
        var settled = false
        var whenSettled: [@Sendable () -> Void] = []
    }
    private let state = Mutex(State())

    /// The caller to resume (an outcome that came first resumes it at once).
    func wait(_ continuation: CheckedContinuation<Value, any Error>) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            if let early = state.early { return early }
            state.waiting = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Runs `action` once an outcome is in (at once if it is).
    func onSettled(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.settled { return true }
            state.whenSettled.append(action)
            return false
        }
        if now { action() }
    }

    /// Offers an outcome: true when it was the first.
    @discardableResult
    func settle(_ outcome: Result<Value, any Error>) -> Bool {
        let taken = state.withLock { state -> (CheckedContinuation<Value, any Error>?, [@Sendable () -> Void])? in
            guard !state.settled else { return nil }
            state.settled = true
            defer { (state.waiting, state.whenSettled) = (nil, []) }
            if state.waiting == nil { state.early = outcome }
            return (state.waiting, state.whenSettled)
        }
        guard let (waiting, actions) = taken else { return false }
        waiting?.resume(with: outcome)
        for action in actions { action() }
        return true
    }
}

/// A transaction did not end within its deadline.
struct CoordinatorLinkTimeout: Error, CustomStringConvertible {
    var limit: Duration
    var description: String { "no answer within \(limit)" }
}
