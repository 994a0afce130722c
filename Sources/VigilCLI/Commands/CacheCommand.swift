import ArgumentParser
import Foundation
import Vigil

/// `vigil cache stats | prune | verify`: look after a response cache.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Look after the response cache: what it holds, prune old answers, verify it.",
        subcommands: [Stats.self, Prune.self, Verify.self]
    )

    /// Which cache: `--path`, or a job's `cache.path`, or the default.
    struct Location: ParsableArguments {
        @Option(
            help: ArgumentHelp(
                "The cache file (default: the job's cache, else ~/.cache/vigil/responses.sqlite).", valueName: "path"))
        var path: String?

        @Option(help: ArgumentHelp("A job file whose cache is meant.", valueName: "job"))
        var job: String?

        /// The cache; a cache that cannot be opened ends the command with exit 2.
        func open() throws -> ResponseCache {
            do {
                return try openOrSayWhy()
            } catch let problem as CacheProblem {
                throw CommandFailure("\(problem)", .invalidJobOrUsage)
            }
        }

        /// The cache; a `CacheProblem` when it cannot be opened (`verify` tells damage from the rest).
        func openOrSayWhy() throws -> ResponseCache {
            var url = path.map { URL(fileURLWithPath: $0) } ?? CacheSpec.defaultPath()
            if path == nil, let job {
                guard let spec = JobLoader(purpose: .validate).load(job).job else {
                    throw CommandFailure(
                        "\(job) does not pass validation; run vigil validate \(job)", .invalidJobOrUsage)
                }
                url = spec.cache?.path ?? url
            }
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw CommandFailure(
                    "there is no response cache at \(url.path) yet (a run with cache: in its job, or --cache, makes one)",
                    .invalidJobOrUsage)
            }
            return try ResponseCache(url: url)
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What the cache holds: answers, size, age, runs.")
        @OptionGroup var location: Location

        func run() throws {
            let cache = try location.open()
            let stats: ResponseCache.Stats
            do { stats = try cache.stats() } catch { throw CommandFailure("\(error)", .invalidJobOrUsage) }
            var lines = [
                "cache: \(cache.url.path)",
                "answers: \(stats.entries) from \(stats.runs) runs, \(Self.size(stats.bytes)) on disk",
            ]
            if let oldest = stats.oldest, let newest = stats.newest {
                lines.append("oldest: \(Timestamp.iso8601(oldest)), newest: \(Timestamp.iso8601(newest))")
            }
            Console.output(lines.joined(separator: "\n") + "\n")
        }

        static func size(_ bytes: Int) -> String {
            bytes >= 1 << 20
                ? String(format: "%.1f MiB", Double(bytes) / 1_048_576)
                : String(format: "%.1f KiB", Double(bytes) / 1024)
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the answers cached before a given age (then compact the file).")
        @OptionGroup var location: Location

        @Option(name: .customLong("older-than"), help: ArgumentHelp("An age: 30d, 12h, 90m.", valueName: "age"))
        var olderThan: String

        func validate() throws {
            if Self.seconds(olderThan) == nil {
                throw ValidationError("--older-than \(olderThan) is not an age; write e.g. 30d, 12h or 90m")
            }
        }

        static func seconds(_ text: String) -> Double? {
            if text.hasSuffix("d"), let days = Double(text.dropLast()), days >= 0 { return days * 86_400 }
            return JobDuration(text)?.seconds
        }

        func run() throws {
            let cache = try location.open()
            let removed: Int
            do { removed = try cache.prune(before: Timestamp.now() - Self.seconds(olderThan)!) } catch {
                throw CommandFailure("\(error)", .invalidJobOrUsage)
            }
            Console.output("removed \(removed) answers older than \(olderThan) from \(cache.url.path)\n")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check the cache file (SQLite's integrity check) and every answer's sha256; exit 1 when anything is damaged."
        )
        @OptionGroup var location: Location

        func run() throws {
            let cache: ResponseCache
            let verification: ResponseCache.Verification
            do {
                cache = try location.openOrSayWhy()
                verification = try cache.verify()
            } catch let problem as CacheProblem where problem.kind == .damaged {
                // A file SQLite cannot even open as a database is damaged too: exit 1, not 2.
                Console.error(Self.damaged(problem.url.path, [problem.reason]))
                throw CommandFailure.exit(.invalidInstances)
            } catch let problem as CacheProblem {
                throw CommandFailure("\(problem)", .invalidJobOrUsage)
            }
            let path = cache.url.path
            guard verification.isSound else {
                var problems = verification.integrityProblems.prefix(20).map { "SQLite: \($0)" }
                if !verification.damagedKeys.isEmpty {
                    problems.append(
                        "\(verification.damagedKeys.count) of \(verification.entries) answers are not what was written (their sha256 does not match), "
                            + "e.g. key \(verification.damagedKeys[0]); a run treats each as a miss and replaces it")
                }
                Console.error(Self.damaged(path, problems))
                throw CommandFailure.exit(.invalidInstances)
            }
            Console.output(
                "the response cache at \(path) is sound: \(verification.entries) answers, each matching its sha256\n")
        }

        static func damaged(_ path: String, _ problems: [String]) -> String {
            (["the response cache at \(path) is damaged:"] + problems.map { "  \($0)" }
                + [
                    "runs go on without the damaged parts (each is asked of the model again); to start afresh, move the file aside (a new one is made) or restore it from a backup"
                ])
                .joined(separator: "\n")
        }
    }
}
