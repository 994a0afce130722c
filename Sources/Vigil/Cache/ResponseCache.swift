public import Foundation
import GRDB
import JSONSchema
import Synchronization

/// The response cache: an SQLite database (GRDB, WAL mode) of the answers models gave, keyed
/// by `CacheKey`. Runs on one machine share it safely: readers see whole entries only, and a
/// crash mid-write (even `kill -9`) leaves it consistent. SQLite does not checksum what it
/// stores, so each entry keeps a sha256 of itself (`AnswerDigest`), checked on every read: a
/// changed byte is a miss, never a wrong answer. A cache that is damaged or was written by a
/// newer Vigil is reported (`CacheProblem`) and a run goes on without it.
public final class ResponseCache: Sendable {
    /// The layout of the database this Vigil writes (in `PRAGMA user_version`): 1 answers,
    /// 2 answers with their digests.
    public static let schemaVersion = 2

    /// The cache's SQLite file (its `-wal` and `-shm` beside it while open).
    public let url: URL
    private let pool: DatabasePool

    /// Opens (creating, or bringing an older layout up to date) the cache at `url`.
    public init(url: URL) throws(CacheProblem) {
        self.url = url
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            // Two runs writing at once wait for each other rather than fail.
            configuration.busyMode = .timeout(10)
            pool = try DatabasePool(path: url.path, configuration: configuration)
            let version = try pool.read { try Int.fetchOne($0, sql: "PRAGMA user_version") ?? 0 }
            if version > Self.schemaVersion {
                throw CacheProblem(
                    url: url, kind: .newer,
                    reason: "it was written by a newer Vigil (layout \(version); this one reads \(Self.schemaVersion))")
            }
            if version < Self.schemaVersion { try Self.migrate(pool) }
        } catch let problem as CacheProblem {
            throw problem
        } catch {
            throw CacheProblem(url: url, error)
        }
    }

    /// The cache's layouts, oldest first. A migration runs once per file, in a transaction:
    /// a crash part-way leaves the older layout, migrated again by the next open.
    private static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        // Layout 1 (Vigil before answer digests). `IF NOT EXISTS`: a file written by that
        // Vigil has the table but no record of GRDB's migrations.
        migrator.registerMigration("1 answers") { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS answers (
                        key TEXT PRIMARY KEY NOT NULL,
                        text TEXT NOT NULL,
                        prompt_tokens INTEGER, completion_tokens INTEGER, cached_prompt_tokens INTEGER,
                        reported_cost_picodollars INTEGER,
                        created_at REAL NOT NULL,
                        run TEXT NOT NULL
                    );
                    CREATE INDEX IF NOT EXISTS answers_created_at ON answers(created_at);
                    """)
        }
        // Layout 2: each entry's digest. Entries written before digests existed get theirs
        // now: they were trusted as they were until now, and nothing older can tell whether
        // one of them changed before today.
        migrator.registerMigration("2 answer digests") { db in
            if try !db.columns(in: "answers").contains(where: { $0.name == "sha256" }) {
                try db.execute(sql: "ALTER TABLE answers ADD COLUMN sha256 TEXT")
            }
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM answers WHERE sha256 IS NULL")
            var digests: [(String, String)] = []
            while let row = try rows.next() {
                let entry = CachedEntry(row)
                digests.append((entry.key, entry.digest))
            }
            for (key, digest) in digests {
                try db.execute(sql: "UPDATE answers SET sha256 = ? WHERE key = ?", arguments: [digest, key])
            }
            try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
        }
        return migrator
    }()

    /// Brings the file to this Vigil's layout. Two processes opening an old file at once may
    /// both try; the second then finds the work done.
    private static func migrate(_ pool: DatabasePool) throws {
        do {
            try migrator.migrate(pool)
        } catch {
            guard try pool.read(migrator.hasCompletedMigrations) else { throw error }
        }
    }

    /// What a lookup found.
    public enum Lookup: Sendable {
        /// The answer kept under the key, whole (its digest matches).
        case found(ProviderAnswer)
        /// Nothing is kept under the key.
        case absent
        /// An entry is kept, but it is not what was written: its digest does not match (a
        /// changed byte) or it has none. It must not be used.
        case damaged
        /// The database could not be read (a damaged page, an I/O error): why.
        case unreadable(String)
    }

    /// Looks up the answer cached under `key`, checking its digest.
    public func lookup(_ key: String) -> Lookup {
        do {
            return try pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM answers WHERE key = ?", arguments: [key])
                else { return .absent }
                let entry = CachedEntry(row)
                return entry.isWhole ? .found(entry.answer) : .damaged
            }
        } catch {
            return .unreadable(CacheProblem.describe(error))
        }
    }

    /// Keeps `answer` under `key` (replacing what was there, a damaged entry too), with its
    /// digest, when and from which run. Throws why it could not.
    public func store(_ answer: ProviderAnswer, for key: String, run: String) throws(CacheProblem) {
        let entry = CachedEntry(key: key, answer: answer)
        do {
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO answers (key, text, prompt_tokens, completion_tokens, cached_prompt_tokens, reported_cost_picodollars, created_at, run, sha256)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        key, answer.text, answer.promptTokens, answer.completionTokens, answer.cachedPromptTokens,
                        answer.reportedCost?.picodollars,
                        Timestamp.now(), run, entry.digest,
                    ])
            }
        } catch {
            throw CacheProblem(url: url, error)
        }
    }

    /// What the cache holds.
    public struct Stats: Sendable, Equatable {
        /// Answers kept, one per key.
        public var entries: Int
        /// The database's size on disk (the WAL included).
        public var bytes: Int
        /// The oldest and newest answer's time.
        public var oldest: Double?
        public var newest: Double?
        /// Runs the answers came from.
        public var runs: Int
    }

    /// Counts what the cache holds.
    public func stats() throws(CacheProblem) -> Stats {
        do {
            let (entries, oldest, newest, runs) = try pool.read { db -> (Int, Double?, Double?, Int) in
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest, MAX(created_at) AS newest, COUNT(DISTINCT run) AS runs FROM answers"
                )
                return (row?["n"] ?? 0, row?["oldest"], row?["newest"], row?["runs"] ?? 0)
            }
            let bytes = ["", "-wal", "-shm"].reduce(0) { total, suffix in
                total + ((try? FileManager.default.attributesOfItem(atPath: url.path + suffix)[.size] as? Int) ?? 0)
            }
            return Stats(entries: entries, bytes: bytes, oldest: oldest, newest: newest, runs: runs)
        } catch {
            throw CacheProblem(url: url, error)
        }
    }

    /// Removes the answers cached before `time`; returns how many.
    public func prune(before time: Double) throws(CacheProblem) -> Int {
        do {
            let removed = try pool.write { db -> Int in
                try db.execute(sql: "DELETE FROM answers WHERE created_at < ?", arguments: [time])
                return db.changesCount
            }
            try pool.writeWithoutTransaction { try $0.execute(sql: "VACUUM") }
            return removed
        } catch {
            throw CacheProblem(url: url, error)
        }
    }

    /// What `verify` found: SQLite's own findings, and the entries whose digest does not match.
    public struct Verification: Sendable, Equatable {
        /// What SQLite's integrity check said of the file's pages and indexes (empty: sound).
        public var integrityProblems: [String]
        /// Entries read (every one is checked).
        public var entries: Int
        /// Keys of the entries whose digest does not match what they hold (or who have none).
        public var damagedKeys: [String]
        /// Whether nothing is wrong.
        public var isSound: Bool { integrityProblems.isEmpty && damagedKeys.isEmpty }
    }

    /// Checks the database (SQLite's integrity check) and every entry's digest.
    public func verify() throws(CacheProblem) -> Verification {
        do {
            return try pool.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
                var entries = 0
                var damaged: [String] = []
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM answers")
                while let row = try rows.next() {
                    entries += 1
                    let entry = CachedEntry(row)
                    if !entry.isWhole { damaged.append(entry.key) }
                }
                return Verification(integrityProblems: integrity, entries: entries, damagedKeys: damaged)
            }
        } catch {
            throw CacheProblem(url: url, error)
        }
    }
}
