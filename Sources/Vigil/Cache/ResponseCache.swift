public import Foundation
import GRDB
import Synchronization

/// The response cache: an SQLite database (GRDB, WAL mode) of the answers models gave, keyed
/// by `CacheKey`. Runs on one machine share it safely: readers see whole entries only, and a
/// crash mid-write (even `kill -9`) leaves it consistent. A cache that is damaged or was
/// written by a newer Vigil is reported (`CacheProblem`) and a run goes on without it.
public final class ResponseCache: Sendable {
    /// The layout of the database this Vigil writes (in `PRAGMA user_version`).
    public static let schemaVersion = 1

    /// The database file.
    public let url: URL
    private let pool: DatabasePool
    /// Lookups and stores that failed after the cache opened (a disk that filled up): the
    /// run goes on, asking the model.
    private let failures = Mutex(0)

    /// Opens (creating) the cache at `url`.
    public init(url: URL) throws(CacheProblem) {
        self.url = url
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            // Two runs writing at once wait for each other rather than fail.
            configuration.busyMode = .timeout(10)
            pool = try DatabasePool(path: url.path, configuration: configuration)
            let version = try pool.read { try Int.fetchOne($0, sql: "PRAGMA user_version") ?? 0 }
            if version > Self.schemaVersion {
                throw CacheProblem(url: url, reason: "it was written by a newer Vigil (layout \(version); this one reads \(Self.schemaVersion))")
            }
            if version < Self.schemaVersion {
                try pool.write { db in
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
                            PRAGMA user_version = \(Self.schemaVersion);
                            """)
                }
            }
        } catch let problem as CacheProblem {
            throw problem
        } catch {
            throw CacheProblem(url: url, reason: "\(error)")
        }
    }

    /// The answer cached under `key`, if any.
    public func answer(for key: String) -> ProviderAnswer? {
        do {
            return try pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM answers WHERE key = ?", arguments: [key]) else { return nil }
                return ProviderAnswer(
                    text: row["text"], promptTokens: row["prompt_tokens"], completionTokens: row["completion_tokens"],
                    cachedPromptTokens: row["cached_prompt_tokens"],
                    reportedCost: (row["reported_cost_picodollars"] as Int64?).map { Dollars(picodollars: $0) })
            }
        } catch {
            failures.withLock { $0 += 1 }
            return nil
        }
    }

    /// Keeps `answer` under `key` (replacing what was there), with when and from which run.
    public func store(_ answer: ProviderAnswer, for key: String, run: String) {
        do {
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO answers (key, text, prompt_tokens, completion_tokens, cached_prompt_tokens, reported_cost_picodollars, created_at, run)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        key, answer.text, answer.promptTokens, answer.completionTokens, answer.cachedPromptTokens, answer.reportedCost?.picodollars,
                        Timestamp.now(), run,
                    ])
            }
        } catch {
            failures.withLock { $0 += 1 }
        }
    }

    /// Lookups and stores that failed since the cache opened.
    public var failedOperations: Int { failures.withLock { $0 } }

    /// What the cache holds.
    public struct Stats: Sendable, Equatable {
        /// Answers kept.
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
                let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, MIN(created_at) AS oldest, MAX(created_at) AS newest, COUNT(DISTINCT run) AS runs FROM answers")
                return (row?["n"] ?? 0, row?["oldest"], row?["newest"], row?["runs"] ?? 0)
            }
            let bytes = ["", "-wal", "-shm"].reduce(0) { total, suffix in
                total + ((try? FileManager.default.attributesOfItem(atPath: url.path + suffix)[.size] as? Int) ?? 0)
            }
            return Stats(entries: entries, bytes: bytes, oldest: oldest, newest: newest, runs: runs)
        } catch {
            throw CacheProblem(url: url, reason: "\(error)")
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
            throw CacheProblem(url: url, reason: "\(error)")
        }
    }

    /// Checks the database (SQLite's integrity check) and every entry (a key and a text);
    /// returns what is wrong, nothing when it is sound.
    public func verify() throws(CacheProblem) -> [String] {
        do {
            return try pool.read { db in
                var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
                let bad = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM answers WHERE length(key) != 64 OR text IS NULL") ?? 0
                if bad > 0 { problems.append("\(bad) entries have no valid key or text") }
                return problems
            }
        } catch {
            throw CacheProblem(url: url, reason: "\(error)")
        }
    }
}

/// A cache that cannot be used: damaged, not a cache, or from a newer Vigil.
public struct CacheProblem: Error, Sendable, CustomStringConvertible {
    /// The database file.
    public var url: URL
    /// What is wrong with it.
    public var reason: String
    /// `the response cache at PATH cannot be used: REASON`.
    public var description: String { "the response cache at \(url.path) cannot be used: \(reason)" }
}
