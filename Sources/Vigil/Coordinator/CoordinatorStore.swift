import Foundation
public import Logging
import PostgresNIO

/// The state the shards of one run share in PostgreSQL: one budget (reservations with a
/// lease, spend committed as they are released), one token bucket, one verdict. Every rule is
/// kept in one short transaction that locks the run's row first, so shards on any number of
/// machines are served one at a time, in the server's order, by the server's clock.
public final class CoordinatorStore: Sendable {
    let url: CoordinatorURL
    let link: CoordinatorLink
    private let logger: Logger
    /// How long one transaction may take before the server counts as lost.
    let deadline: Duration
    /// `deadline`'s default: 10 s, long for one short transaction on a server that answers.
    public static let usualDeadline = Duration.seconds(10)
    /// How long the tables may take to be made or checked: shards starting together take
    /// turns (one migration at a time), on a server that may be busy.
    static let migrationDeadline = Duration.seconds(60)

    private init(url: CoordinatorURL, link: CoordinatorLink, logger: Logger, deadline: Duration) {
        (self.url, self.link, self.logger, self.deadline) = (url, link, logger, deadline)
    }

    /// Connects to `url` and brings the tables to this Vigil's version (creating them on first
    /// use). Throws `.unreachable` naming the host (never the password) when the server cannot
    /// be reached or refuses the login, `.newerSchema` when a newer Vigil made its tables.
    /// `deadline`: how long connecting, or one transaction, may take before the server counts
    /// as lost.
    public static func open(
        _ url: CoordinatorURL, logger: Logger, deadline: Duration = usualDeadline
    ) async throws(CoordinatorProblem) -> CoordinatorStore {
        let link = CoordinatorLink(url: url, logger: logger, connectDeadline: deadline)
        do {
            try await link.check()
        } catch {
            throw CoordinatorProblem(
                .unreachable,
                "cannot reach the coordinator at \(url.redacted): \(Self.reason(error)); check that the server runs and the URL's user, password and database are right"
            )
        }
        let store = CoordinatorStore(url: url, link: link, logger: logger, deadline: deadline)
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Closes the connections.
    public func close() async {
        await link.close()
    }

    private func migrate() async throws(CoordinatorProblem) {
        let url = self.url
        try await transaction("create or check its tables", within: Self.migrationDeadline) { connection, logger in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(CoordinatorSchema.migrationLock))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: CoordinatorSchema.versionTable), logger: logger)
            var version: Int?
            for try await row in try await connection.query(
                "SELECT version FROM vigil_coordinator_schema", logger: logger
            ).decode(Int.self) {
                version = row
            }
            let current = version ?? 0
            guard current <= CoordinatorSchema.version else {
                throw CoordinatorProblem(
                    .newerSchema,
                    "the coordinator's tables at \(url.redacted) are version \(current), made by a newer Vigil than this one (it knows version \(CoordinatorSchema.version)): use the same Vigil on every machine of the run"
                )
            }
            for step in CoordinatorSchema.migrations.dropFirst(current) {
                for statement in step {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
            if version == nil {
                try await connection.query(
                    "INSERT INTO vigil_coordinator_schema (version) VALUES (\(CoordinatorSchema.version))",
                    logger: logger)
            } else if current < CoordinatorSchema.version {
                try await connection.query(
                    "UPDATE vigil_coordinator_schema SET version = \(CoordinatorSchema.version)", logger: logger)
            }
        }
    }

    /// Runs `body` in a transaction (or as one statement that is its own, `inTransaction`
    /// false); anything that goes wrong is `.lost` (a connection lost
    /// mid-run, a server restarting or not answering), with what the server or driver said. A
    /// `CoordinatorProblem` the body throws comes out as it is.
    func transaction<Result: Sendable>(
        _ what: String, inTransaction: Bool = true, within limit: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Result
    ) async throws(CoordinatorProblem) -> Result {
        let logger = self.logger
        do {
            return try await link.perform(within: limit ?? deadline, inTransaction: inTransaction) { connection in
                try await body(connection, logger)
            }
        } catch {
            if let problem = (error as? PostgresTransactionError)?.closureError as? CoordinatorProblem {
                throw problem
            }
            if let problem = error as? CoordinatorProblem { throw problem }
            throw CoordinatorProblem(
                .lost, "the coordinator at \(url.redacted) could not \(what): \(Self.reason(error))")
        }
    }

    /// What went wrong, in one line, secrets masked (PostgresNIO's own description is a
    /// placeholder; its reflection says what the server said).
    static func reason(_ error: any Error) -> String {
        let text = String(reflecting: error).replacingOccurrences(of: "\n", with: " ")
        return Redaction.masked(text.count > 300 ? String(text.prefix(299)) + "…" : text)
    }
}
