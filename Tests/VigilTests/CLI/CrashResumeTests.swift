import Foundation
import JSONSchema
import TestSupport
import Testing
import Vigil

/// `vigil run`, killed at random moments and resumed until done: every item must end in
/// results.jsonl or failed.jsonl exactly once, the log must parse, the manifest must agree.
@Suite(.serialized) struct CrashResumeTests {
    static let items = 500

    /// A persistent worker: item n succeeds unless n is a multiple of 9 (then it answers
    /// n = 0, which the schema refuses: a quality failure that counts for the thresholds).
    static func job() throws -> TemporaryJob {
        try TemporaryJob(
            items: items,
            extractor: TemporaryJob.extractor(
                "time.sleep(0.008 + (n * 7919 % 10) / 500)\nanswer = {\"n\": 0 if n % 9 == 0 else n}", persistent: true),
            mode: "persistent",
            thresholds:
                "thresholds:\n  early: { after: 20, min_success_rate: 0.5 }\n  window: { size: 50, min_success_rate: 0.5, action: abort }\n",
            concurrency: 4)
    }

    /// How a launch ended: an exit status, or death by a signal (whose number a bare
    /// termination status would confuse with an exit code: SIGINT is 2, as "invalid job" is).
    enum Ending: Equatable, CustomStringConvertible {
        case exited(Int32)
        case killed(Int32)
        var description: String {
            switch self {
            case .exited(let status): "exit \(status)"
            case .killed(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// Starts `vigil` with `arguments`, sends `signal` after `delay`, waits for the end.
    /// Returns how it ended and whether the signal arrived while it was still running.
    func launch(_ arguments: [String], signal: Int32?, after delay: Duration) async throws -> (
        ending: Ending, signalled: Bool, stderr: String
    ) {
        let process = ChildProcess()
        process.executableURL = TestEnvironment.vigil
        process.arguments = arguments + ["--quiet"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var signalled = false
        if let signal {
            // Sent from a GCD thread: a busy test pool must not shift the moment much.
            let nanoseconds = UInt32(
                delay.components.attoseconds / 1_000_000_000_000 + delay.components.seconds * 1_000_000)
            signalled = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    usleep(nanoseconds)
                    guard process.isRunning else { return continuation.resume(returning: false) }
                    process.send(signal)
                    continuation.resume(returning: true)
                }
            }
        }
        try Waiting.exit(of: process, "vigil \(arguments[0])")
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let ending: Ending =
            process.terminationReason == .uncaughtSignal
            ? .killed(process.terminationStatus) : .exited(process.terminationStatus)
        return (ending, signalled, stderr)
    }

    func runFolder(of job: TemporaryJob) throws -> URL? {
        let runs = job.folder.appendingPathComponent("runs/test-job")
        guard
            let name = try? FileManager.default.contentsOfDirectory(atPath: runs.path).first(where: {
                !$0.hasPrefix(".")
            })
        else { return nil }
        return runs.appendingPathComponent(name)
    }

    /// Interrupts the run `times` times with `signal` at moments drawn from `seed`, resuming
    /// after each, then resumes to the end and checks the folder.
    func crashAndResume(signal: Int32, times: Int, seed: UInt64) async throws {
        let job = try Self.job()
        var moments = SeededGenerator(seed: seed)
        var delivered = 0
        var attempts = 0
        var finished = false
        var log: [String] = []
        while delivered < times && attempts < times * 3 {
            attempts += 1
            let folder = try runFolder(of: job)
            // Until a run folder exists (a kill during setup leaves only a hidden partial
            // one), give the start more time: on a loaded machine it can take a second.
            let delay = Duration.milliseconds(
                Int64(folder == nil ? 400 + moments.next(below: 1200) : 80 + moments.next(below: 700)))
            let arguments = folder.map { ["resume", $0.path] } ?? ["run", job.path]
            let outcome = try await launch(arguments, signal: signal, after: delay)
            log.append("\(arguments[0]) +\(delay): \(outcome.ending)")
            if outcome.signalled {
                delivered += 1
                // SIGINT: stopped gracefully (exit 4), finished just before it (0), or killed by
                // the default action before the watcher was installed. SIGKILL: killed by it, or
                // finished just before it. Never an exit that says something failed (2: usage).
                let allowed: [Ending] =
                    signal == SIGINT ? [.exited(4), .exited(0), .killed(SIGINT)] : [.killed(signal), .exited(0)]
                #expect(allowed.contains(outcome.ending), "\(log) \(outcome.stderr)")
            }
            if outcome.ending == .exited(0) && !outcome.signalled {
                finished = true
                break
            }
        }
        // Every launch was interrupted, except one that finished the run before its signal
        // was due: with SIGINT in-flight items finish, so the work can run out before the
        // twentieth signal. A launch that ended unsignalled without finishing is a fault.
        #expect(
            delivered + (finished ? 1 : 0) == attempts,
            "seed \(seed): signals delivered: \(delivered) of \(attempts) launches; \(log)")
        #expect(
            delivered >= times / 2,
            "seed \(seed): only \(delivered) signals arrived before the run finished; the test did not exercise interruption; \(log)"
        )
        let folder = try #require(try runFolder(of: job))
        let final = try await launch(["resume", folder.path], signal: nil, after: .zero)
        // Either this resume finished the run (0), or the run had already completed (0, "nothing to resume").
        #expect(final.ending == .exited(0), "seed \(seed): \(final.stderr)\n\(log)")
        try checkFolder(folder, seed: seed, log: log)
    }

    func checkFolder(_ folder: URL, seed: UInt64, log: [String]) throws {
        func lines(_ name: String) throws -> [JSONValue] {
            try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map {
                try JSONParser().parse(String($0))
            }
        }
        let results = try lines("results.jsonl")
        let failures = try lines("failed.jsonl")
        let ids = (results + failures).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == Self.items, "seed \(seed): \(ids.count) lines; \(log)")
        #expect(Set(ids).count == Self.items, "seed \(seed): an item is in the outputs twice; \(log)")
        // Outcomes are the deterministic ones: multiples of 9 failed, the rest succeeded.
        let failedNumbers = Set(
            failures.compactMap { $0["id"]?.stringValue?.dropFirst(11).prefix(3) }.compactMap { Int($0) })
        #expect(failedNumbers == Set((1...Self.items).filter { $0 % 9 == 0 }), "seed \(seed)")

        let events = try String(contentsOf: folder.appendingPathComponent("events.jsonl"), encoding: .utf8).split(
            separator: "\n"
        ).map {
            try RunEvent(json: try JSONParser().parse(String($0)))
        }
        #expect(
            events.map(\.sequence) == Array(1...events.count), "seed \(seed): sequence numbers have a gap or repeat")
        var completed = Set<String>()
        var failed = Set<String>()
        for event in events {
            switch event.kind {
            case .itemCompleted(let report, _):
                #expect(
                    completed.insert(report.item).inserted, "seed \(seed): \(report.item) completed twice in the log")
            case .itemFailed(let report, _):
                #expect(failed.insert(report.item).inserted, "seed \(seed): \(report.item) failed twice in the log")
            default: break
            }
        }
        let manifest = try JSONParser().parse(Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        #expect(manifest["status"] == "completed", "seed \(seed)")
        #expect(manifest["counts"]?["succeeded"] == .number(JSONNumber(results.count)))
        #expect(manifest["counts"]?["failed"] == .number(JSONNumber(failures.count)))
        #expect(
            completed.count == results.count && failed.count == failures.count,
            "seed \(seed): the log replays to other counts")
        #expect(events.last.map { if case .runCompleted = $0.kind { true } else { false } } == true)
    }

    /// The moments of the signals: new each run (more of the space is tried over time), or
    /// `VIGIL_CRASH_SEED` to replay a failure — every failure message and the test's output
    /// give the seed it ran with.
    static func seed(_ test: String, salt: UInt64) -> UInt64 {
        let seed =
            ProcessInfo.processInfo.environment["VIGIL_CRASH_SEED"].flatMap { UInt64($0) }
            ?? (UInt64(Date().timeIntervalSince1970 * 1000) ^ salt)
        print("\(test): seed \(seed) (replay with VIGIL_CRASH_SEED=\(seed) swift test --filter \(test))")
        return seed
    }

    @Test func killedWithSIGKILLTwentyTimesEveryItemEndsExactlyOnce() async throws {
        try await crashAndResume(
            signal: SIGKILL, times: 20, seed: Self.seed("killedWithSIGKILLTwentyTimesEveryItemEndsExactlyOnce", salt: 0)
        )
    }

    @Test func interruptedWithSIGINTTwentyTimesEveryItemEndsExactlyOnce() async throws {
        try await crashAndResume(
            signal: SIGINT, times: 20,
            seed: Self.seed("interruptedWithSIGINTTwentyTimesEveryItemEndsExactlyOnce", salt: 0x5157))
    }
}
