public import Foundation
import GRDB

/// A cache that cannot be used, or an operation on it that failed: damaged, not a cache,
/// from a newer Vigil, or out of reach (permissions, a full disk).
public struct CacheProblem: Error, Sendable, CustomStringConvertible {
    /// What kind of problem it is: `vigil cache verify` exits 1 on damage, 2 otherwise.
    public enum Kind: Sendable {
        /// The file's bytes are not a sound cache (SQLite reports it corrupt, or not a database).
        case damaged
        /// A newer Vigil wrote it, in a layout this one does not read.
        case newer
        /// Anything else: it cannot be opened, read or written (permissions, a full disk).
        case unusable
    }

    /// The cache's SQLite file.
    public var url: URL
    public var kind: Kind
    /// What is wrong with it.
    public var reason: String

    public init(url: URL, kind: Kind, reason: String) {
        self.url = url
        self.kind = kind
        self.reason = reason
    }

    /// The problem an error of SQLite (or of the file system) means.
    init(url: URL, _ error: any Error) {
        let code = (error as? DatabaseError)?.resultCode
        let damaged = code == .SQLITE_CORRUPT || code == .SQLITE_NOTADB
        self.init(url: url, kind: damaged ? .damaged : .unusable, reason: Self.describe(error))
    }

    /// An error in one line, without the SQL it came from (`SQLite error 11: database disk image is malformed`).
    static func describe(_ error: any Error) -> String {
        guard let database = error as? DatabaseError else { return "\(error)" }
        return "SQLite error \(database.resultCode.rawValue): \(database.message ?? "\(database.resultCode)")"
    }

    /// `the response cache at PATH cannot be used: REASON`.
    public var description: String { "the response cache at \(url.path) cannot be used: \(reason)" }
}
