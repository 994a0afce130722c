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
        @Option(help: ArgumentHelp("The cache file (default: the job's cache, else ~/.cache/vigil/responses.sqlite).", valueName: "path"))
        var path: String?

        @Option(help: ArgumentHelp("A job file whose cache is meant.", valueName: "job"))
        var job: String?

        func open() throws -> ResponseCache {
            var url = path.map { URL(fileURLWithPath: $0) } ?? CacheSpec.defaultPath()
            if path == nil, let job {
                guard let spec = JobLoader(purpose: .validate).load(job).job else {
                    throw CommandFailure("\(job) does not pass validation; run vigil validate \(job)", .invalidJobOrUsage)
                }
                url = spec.cache?.path ?? url
            }
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw CommandFailure("there is no response cache at \(url.path) yet (a run with cache: in its job, or --cache, makes one)", .invalidJobOrUsage)
            }
            do {
                return try ResponseCache(url: url)
            } catch {
                throw CommandFailure("\(error)", .invalidJobOrUsage)
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What the cache holds: answers, size, age, runs.")
        @OptionGroup var location: Location

        func run() throws {
            let cache = try location.open()
            let stats: ResponseCache.Stats
            do { stats = try cache.stats() } catch { throw CommandFailure("\(error)", .invalidJobOrUsage) }
            var lines = ["cache: \(cache.url.path)", "answers: \(stats.entries) from \(stats.runs) runs, \(Self.size(stats.bytes)) on disk"]
            if let oldest = stats.oldest, let newest = stats.newest {
                lines.append("oldest: \(Timestamp.iso8601(oldest)), newest: \(Timestamp.iso8601(newest))")
            }
            Console.output(lines.joined(separator: "\n") + "\n")
        }

        static func size(_ bytes: Int) -> String {
            bytes >= 1 << 20 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576) : String(format: "%.1f KiB", Double(bytes) / 1024)
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the answers cached before a given age (then compact the file).")
        @OptionGroup var location: Location

        @Option(name: .customLong("older-than"), help: ArgumentHelp("An age: 30d, 12h, 90m.", valueName: "age"))
        var olderThan: String

        func validate() throws {
            if Self.seconds(olderThan) == nil { throw ValidationError("--older-than \(olderThan) is not an age; write e.g. 30d, 12h or 90m") }
        }

        static func seconds(_ text: String) -> Double? {
            if text.hasSuffix("d"), let days = Double(text.dropLast()), days >= 0 { return days * 86_400 }
            return JobDuration(text)?.seconds
        }

        func run() throws {
            let cache = try location.open()
            let removed: Int
            do { removed = try cache.prune(before: Timestamp.now() - Self.seconds(olderThan)!) } catch { throw CommandFailure("\(error)", .invalidJobOrUsage) }
            Console.output("removed \(removed) answers older than \(olderThan) from \(cache.url.path)\n")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the cache file (SQLite's integrity check, every entry); exit 1 when it is damaged.")
        @OptionGroup var location: Location

        func run() throws {
            let cache = try location.open()
            let problems: [String]
            do { problems = try cache.verify() } catch { throw CommandFailure("\(error)", .invalidJobOrUsage) }
            guard problems.isEmpty else {
                Console.error((["the response cache at \(cache.url.path) is damaged:"] + problems.prefix(20).map { "  \($0)" }
                    + ["runs go on without a damaged cache; move the file aside (a new one is made) or restore it"]).joined(separator: "\n"))
                throw CommandFailure.exit(.invalidInstances)
            }
            let entries = (try? cache.stats().entries) ?? 0
            Console.output("the response cache at \(cache.url.path) is sound: \(entries) answers\n")
        }
    }
}
