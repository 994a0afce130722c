import Foundation

/// Where the coordinator's PostgreSQL is: `postgres://user:password@host:port/database` (or
/// `postgresql://`), read from the variable the job's `coordinator.url_env` names. The URL is a
/// secret: the whole of it and its password are registered for masking, and what Vigil prints
/// of it is `redacted` (the host and database, never the password).
public struct CoordinatorURL: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var database: String?
    let password: Secret?

    /// Reads `text`; says what is wrong with it (without repeating it: it may hold a password).
    public init(_ text: String) throws(CoordinatorProblem) {
        _ = Secret(text)
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme.lowercased())
        else {
            throw CoordinatorProblem(
                .invalidURL,
                "the coordinator's URL is not a postgres:// or postgresql:// URL (write postgres://USER:PASSWORD@HOST:PORT/DATABASE)"
            )
        }
        guard let host = components.host, !host.isEmpty else {
            throw CoordinatorProblem(
                .invalidURL, "the coordinator's URL has no host (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw CoordinatorProblem(
                .invalidURL, "the coordinator's URL names no user (postgres://USER:PASSWORD@\(host)/DATABASE)")
        }
        self.host = host
        port = components.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = components.password.map { Secret($0.removingPercentEncoding ?? $0) }
        let path = components.path.drop { $0 == "/" }
        database = path.isEmpty ? nil : String(path).removingPercentEncoding
    }

    /// `postgres://vigil:***@db.example:5432/vigil`: what messages name.
    public var redacted: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)" + (database.map { "/\($0)" } ?? "")
    }
}

/// Why the coordinator cannot be used, said for the person who must fix it.
public struct CoordinatorProblem: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The URL is not a PostgreSQL URL.
        case invalidURL
        /// The server cannot be reached, or refused the login.
        case unreachable
        /// Its tables were made by a newer Vigil.
        case newerSchema
        /// The run id is taken by another job.
        case otherJob
        /// A query failed mid-run (the connection was lost, the server restarted).
        case lost
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
