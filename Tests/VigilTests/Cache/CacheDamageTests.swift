import Foundation
import JSONSchema
import Testing
import Vigil

/// A cache that checks what it returns: a changed byte in an answer is a miss, never a result;
/// a damaged page is said and verified; a cache written before digests is migrated.
@Suite(.serialized, .timeLimit(.minutes(5))) struct CacheDamageTests {
    typealias Cache = ResponseCacheTests

    /// Runs Python's sqlite3 on the cache file: `code` sees `path` and `c` (a connection).
    static func sqlite(_ path: String, _ code: String) throws -> String {
        let outcome = try TestEnvironment.run(
            program: "python3",
            ["-c", "import sqlite3, sys\npath = sys.argv[1]\nc = sqlite3.connect(path)\n" + code, path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return outcome.standardOutput
    }

    /// Folds the WAL into the file (so the file holds every entry), then replaces `old` by
    /// `new` in its raw bytes, as a bit flip on the disk would: SQLite itself sees nothing.
    static func flip(_ path: String, _ old: String, _ new: String) throws {
        _ = try sqlite(path, "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let found = try #require(bytes.range(of: Data(old.utf8)), "\(old) is not in \(path)")
        #expect(bytes[found.upperBound...].range(of: Data(old.utf8)) == nil, "\(old) is in \(path) more than once")
        bytes.replaceSubrange(found, with: Data(new.utf8))
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    /// Rewrites the job's `cache:` line.
    static func setCache(_ job: TemporaryJob, _ cache: String) throws {
        let text = try String(contentsOfFile: job.path, encoding: .utf8)
        #expect(text.contains("cache: { path: cache.sqlite }\n"))
        try text.replacingOccurrences(of: "cache: { path: cache.sqlite }\n", with: "cache: \(cache)\n").write(
            toFile: job.path, atomically: true, encoding: .utf8)
    }

    static func occurrences(of text: String, in output: String) -> Int {
        output.components(separatedBy: text).count - 1
    }

    @Test func aFlippedByteInACachedAnswerNeverReachesTheResults() throws {
        let server = try Cache.server()
        defer { server.shutdown() }
        let job = try Cache.job(server, items: 12)
        let original = try Cache.runToEnd(job)
        let path = job.folder.appendingPathComponent("cache.sqlite").path
        // Two answers change on the disk: item 7's n becomes 9, item 8's becomes 3.
        try Self.flip(path, #"{"n": 7}"#, #"{"n": 9}"#)
        try Self.flip(path, #"{"n": 8}"#, #"{"n": 3}"#)

        let verify = try Cache.vigil(["cache", "verify", "--path", path])
        #expect(verify.status == 1, "\(verify.standardOutput)\(verify.standardError)")
        #expect(verify.standardError.contains("2 of 12 answers are not what was written"))

        let run = try Cache.vigil(["run", job.path, "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        // Said once, however many entries are damaged.
        #expect(Self.occurrences(of: "holds a damaged answer", in: run.standardError) == 1, "\(run.standardError)")
        let rerun = try Cache.newestRun(job)
        #expect(try Cache.sortedResults(rerun) == (try Cache.sortedResults(original)))
        #expect(server.requests.count == 14, "the two damaged entries go to the model, the rest are hits")
        let cache = try #require(try Cache.manifest(rerun)["cache"])
        #expect(cache["damaged"] == 2 && cache["hits"] == 10 && cache["stored"] == 2)
        // The model's answers replaced the damaged entries.
        let after = try Cache.vigil(["cache", "verify", "--path", path])
        #expect(after.status == 0 && after.standardOutput.contains("is sound: 12 answers"), "\(after.standardError)")
    }

    @Test func aDamagedPageIsFoundByVerifyAndSaidOnceByARun() throws {
        let server = try Cache.server()
        defer { server.shutdown() }
        let job = try Cache.job(server, items: 200)
        try Cache.runToEnd(job)
        let path = job.folder.appendingPathComponent("cache.sqlite").path
        _ = try Self.sqlite(path, "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()")
        // The page that holds item 100's answer overwritten, as a bad sector would: every
        // answer on it is lost, and reading it fails (the other pages are sound).
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let answer = try #require(bytes.range(of: Data(#"{"n": 100}"#.utf8)))
        let page = answer.lowerBound / 4096
        #expect(page > 0, "item 100's answer is on the file's first page")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(page * 4096))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 4096))
        try handle.close()

        let verify = try Cache.vigil(["cache", "verify", "--path", path])
        #expect(verify.status == 1, "\(verify.standardOutput)\(verify.standardError)")
        #expect(verify.standardError.contains("is damaged"))

        let run = try Cache.vigil(["run", job.path, "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(
            Self.occurrences(of: "the response cache at \(path)", in: run.standardError) == 1, "\(run.standardError)")
        #expect(run.standardError.contains("could not be read (SQLite error 11: database disk image is malformed)"))
        let manifest = try Cache.manifest(try Cache.newestRun(job))
        #expect(manifest["counts"]?["completed"] == 200)
        #expect((manifest["cache"]?["failed_operations"]?.numberValue?.doubleValue ?? 0) > 0)
    }

    @Test func aFileThatIsNotADatabaseIsDamagedToVerify() throws {
        let folder = try TestEnvironment.temporaryFolder("vigil-cache")
        let path = folder.appendingPathComponent("cache.sqlite").path
        try Data("this is not an SQLite database, it is a text file that says so".utf8).write(
            to: URL(fileURLWithPath: path))
        let verify = try Cache.vigil(["cache", "verify", "--path", path])
        #expect(verify.status == 1, "\(verify.standardError)")
        #expect(verify.standardError.contains("is damaged") && verify.standardError.contains("file is not a database"))
        // stats cannot use it either: a usage error, saying why.
        let stats = try Cache.vigil(["cache", "stats", "--path", path])
        #expect(stats.status == 2 && stats.standardError.contains("cannot be used"))
    }

    /// `Fixtures/cache/layout-1.sqlite` was written by Vigil before digests (layout 1): six
    /// answers of a command job like `job(items: 6)`, each `{"n": n, "source": "v1 cache"}`.
    @Test func aCacheWrittenBeforeDigestsIsMigratedAndItsAnswersUsed() throws {
        let job = try TemporaryJob(
            items: 6, extractor: TemporaryJob.extractor(#"answer = {"n": n, "source": "model"}"#),
            extra: "cache: { path: cache.sqlite }\n")
        let path = job.folder.appendingPathComponent("cache.sqlite").path
        try FileManager.default.copyItem(
            atPath: TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Fixtures/cache/layout-1.sqlite")
                .path, toPath: path)
        #expect(try Self.sqlite(path, "print(c.execute('PRAGMA user_version').fetchone()[0])") == "1\n")

        let verify = try Cache.vigil(["cache", "verify", "--path", path])
        #expect(verify.status == 0 && verify.standardOutput.contains("is sound: 6 answers"), "\(verify.standardError)")
        let layout = try Self.sqlite(
            path,
            "print(c.execute('PRAGMA user_version').fetchone()[0], c.execute('SELECT COUNT(*) FROM answers WHERE length(sha256) = 64').fetchone()[0])"
        )
        #expect(layout == "\(ResponseCache.schemaVersion) 6\n")

        let run = try Cache.runToEnd(job)
        #expect(try Cache.manifest(run)["cache"]?["hits"] == 6)
        for line in try Cache.sortedResults(run) {
            #expect(line.contains(#""source":"v1 cache""#), "\(line)")
        }
    }

    @Test func readOnlyUsesTheCacheAndAddsNothing() throws {
        let server = try Cache.server()
        defer { server.shutdown() }
        let job = try Cache.job(server, items: 4)
        try Cache.runToEnd(job)
        // Four more items; read-only: the first four are hits, the new ones are asked and not kept.
        for index in 5...8 {
            try "item \(index)\n".write(
                to: job.folder.appendingPathComponent(String(format: "items/item-%03d.txt", index)), atomically: true,
                encoding: .utf8)
        }
        try Self.setCache(job, "{ path: cache.sqlite, mode: read-only }")
        let run = try Cache.runToEnd(job)
        let cache = try #require(try Cache.manifest(run)["cache"])
        #expect(cache["hits"] == 4 && cache["misses"] == 4 && cache["stored"] == 0)
        #expect(server.requests.count == 8)
        let stats = try Cache.vigil([
            "cache", "stats", "--path", job.folder.appendingPathComponent("cache.sqlite").path,
        ])
        #expect(stats.standardOutput.contains("answers: 4 from 1 runs"), "\(stats.standardOutput)")
    }

    @Test func refreshAsksEveryItemAgainAndReplacesWhatIsKept() throws {
        let server = try Cache.server()
        defer { server.shutdown() }
        let job = try Cache.job(server, items: 5)
        try Cache.runToEnd(job)
        try Self.setCache(job, "{ path: cache.sqlite, mode: refresh }")
        let run = try Cache.runToEnd(job)
        let cache = try #require(try Cache.manifest(run)["cache"])
        #expect(cache["hits"] == 0 && cache["stored"] == 5)
        #expect(server.requests.count == 10)
        // Replaced, not added: five answers, now all from the second run.
        let path = job.folder.appendingPathComponent("cache.sqlite").path
        #expect(
            try Self.sqlite(path, "print(c.execute('SELECT COUNT(*), COUNT(DISTINCT run) FROM answers').fetchone())")
                == "(5, 1)\n")
        #expect(
            try Self.sqlite(path, "print(c.execute('SELECT DISTINCT run FROM answers').fetchone()[0])") == run
                .lastPathComponent + "\n")
    }

    @Test func pruneRemovesOnlyAnswersOlderThanTheAge() throws {
        let server = try Cache.server()
        defer { server.shutdown() }
        let job = try Cache.job(server, items: 6)
        try Cache.runToEnd(job)
        let path = job.folder.appendingPathComponent("cache.sqlite").path
        // Two answers made 40 days old (their digests do not cover the time they were kept).
        _ = try Self.sqlite(
            path,
            "c.execute('UPDATE answers SET created_at = created_at - 40 * 86400 WHERE key IN (SELECT key FROM answers ORDER BY key LIMIT 2)'); c.commit()"
        )
        let prune = try Cache.vigil(["cache", "prune", "--older-than", "30d", "--path", path])
        #expect(prune.status == 0, "\(prune.standardError)")
        #expect(prune.standardOutput.contains("removed 2 answers older than 30d"), "\(prune.standardOutput)")
        let verify = try Cache.vigil(["cache", "verify", "--path", path])
        #expect(verify.status == 0 && verify.standardOutput.contains("is sound: 4 answers"), "\(verify.standardError)")
        let bad = try Cache.vigil(["cache", "prune", "--older-than", "soon", "--path", path])
        #expect(bad.status == 2 && bad.standardError.contains("--older-than soon is not an age"))
    }
}
