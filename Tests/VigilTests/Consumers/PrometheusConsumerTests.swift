import Foundation
import TestSupport
import Testing
import Vigil

/// The `prometheus` consumer: a textfile for node_exporter and a `/metrics` endpoint, each
/// checked by Prometheus's own `promtool` (Debian's prometheus package, which .ci/run installs).
@Suite(.timeLimit(.minutes(5))) struct PrometheusConsumerTests {
    /// Whether the lint can run: promtool is installed, or this is CI (which always has it,
    /// so there a missing promtool fails the lint tests instead of skipping them).
    static let canLint =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool")
        || ProcessInfo.processInfo.environment["CI"] == "true"

    /// `promtool check metrics` on `exposition`: nil when it passes, else what it said.
    static func promtoolProblems(_ exposition: String) throws -> String? {
        let file = try TestEnvironment.temporaryFolder("vigil-prom").appendingPathComponent("metrics.prom")
        try exposition.write(to: file, atomically: true, encoding: .utf8)
        let check = try TestEnvironment.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "promtool check metrics < '\(file.path)'"])
        return check.status == 0
            ? nil : "promtool exited \(check.status): \(check.standardOutput) \(check.standardError)"
    }

    /// The value of the sample `series` (name and labels as written) in `exposition`.
    static func value(_ series: String, in exposition: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap {
            Double($0.split(separator: " ").last!)
        }
    }

    /// A run of 20 items (4 fail) with a textfile: the engine, its job and the file's text.
    static func textfileRun() async throws -> (engine: RunEngine, job: TemporaryJob, text: String) {
        let job = try TemporaryJob(
            items: 20, extractor: TemporaryJob.extractor("answer = {\"n\": 0 if n % 5 == 0 else n}"),
            extra: "consumers:\n  - { type: prometheus, textfile: metrics/vigil.prom, interval: 100ms }\n")
        let engine = try await job.engine()
        let summary = await engine.run()
        #expect(summary.status == .completed)
        return (
            engine, job,
            try String(contentsOf: job.folder.appendingPathComponent("metrics/vigil.prom"), encoding: .utf8)
        )
    }

    @Test(.timeLimit(.minutes(2))) func theTextfileSaysWhatTheRunDid() async throws {
        let (engine, job, text) = try await Self.textfileRun()
        #expect(Self.value(#"vigil_items_total{outcome="succeeded"}"#, in: text) == 16, "\(text)")
        #expect(Self.value(#"vigil_items_total{outcome="failed"}"#, in: text) == 4)
        #expect(Self.value(#"vigil_item_failures_total{cause="schema"}"#, in: text) == 4)
        #expect(Self.value("vigil_success_ratio", in: text) == 0.8)
        #expect(Self.value("vigil_items_planned", in: text) == 20)
        #expect(Self.value("vigil_items_in_flight", in: text) == 0)
        #expect(Self.value("vigil_item_attempts_total", in: text) == 20)
        #expect(Self.value("vigil_item_latency_seconds_count", in: text) == 20)
        #expect(Self.value(#"vigil_run_state{state="completed"}"#, in: text) == 1)
        #expect(Self.value(#"vigil_run_state{state="running"}"#, in: text) == 0)
        let digest = try #require(FileDigest.sha256(of: job.folder.appendingPathComponent("prompt.md")))
        #expect(
            Self.value(
                #"vigil_run_info{job="test-job",run_id="\#(engine.folder.runID)",prompt_sha256="\#(digest)"}"#, in: text
            ) == 1, "\(text)")
        #expect(text.contains("# HELP vigil_item_latency_seconds "))
        #expect(text.contains("# TYPE vigil_items_total counter"))
        // Replaced atomically: no temporary file is left beside it.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: job.folder.appendingPathComponent("metrics").path) == [
                "vigil.prom"
            ])
    }

    @Test func anUnwritableTextfileIsSaidAndTheRunGoesOn() async throws {
        let job = try TemporaryJob(
            items: 6, extractor: TemporaryJob.extractor("answer = {\"n\": n}"),
            extra: "consumers:\n  - { type: prometheus, textfile: /proc/vigil/metrics.prom }\n")
        let summary = await (try await job.engine()).run()
        #expect(summary.status == .completed)
        #expect(summary.counts.succeeded == 6)
    }

    /// One scraped run, shared by the tests that read it (its counters, and promtool's lint):
    /// a second run would be a second chance for another test to take its port first.
    static let scraped = Task { try await scrapedRun() }

    /// A run serving /metrics, scraped twice while it goes (after 10 items, then 20): both expositions.
    static func scrapedRun() async throws -> (first: String, second: String) {
        // Items 1-10 end at once, 11-20 when the file "release" exists, 21-30 when "finish" does:
        // the run is still going at both scrapes however loaded the machine is.
        let job = try TemporaryJob(
            items: 30,
            extractor: TemporaryJob.extractor(
                """
                while (n > 10 and not os.path.exists("release")) or (n > 20 and not os.path.exists("finish")): time.sleep(0.02)
                answer = {"n": n}
                """, persistent: true),
            mode: "persistent", thresholds: "", concurrency: 2)
        let base = try String(contentsOfFile: job.path, encoding: .utf8)
        let errors = job.folder.appendingPathComponent("vigil-stderr.txt")
        var port = 0
        func scrape() throws -> String {
            try TestEnvironment.run(program: "curl", ["-sf", "--max-time", "5", "http://127.0.0.1:\(port)/metrics"])
                .standardOutput
        }
        func printed() -> String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }
        // The port is free when chosen; another test may take it before vigil binds it. Vigil
        // then says so and runs on without its listener: the run starts again on another port.
        let taken = "cannot serve Prometheus metrics"
        var started: ChildProcess?
        for _ in 1...5 {
            port = try Self.freePort()
            try (base + "consumers:\n  - { type: prometheus, listen: \"127.0.0.1:\(port)\" }\n")
                .write(toFile: job.path, atomically: true, encoding: .utf8)
            let attempt = try TestEnvironment.start(["run", job.path, "--quiet"], standardError: errors)
            try await Waiting.until("/metrics to answer, or vigil to say it cannot listen", within: 100) {
                (try? scrape())?.contains("vigil_") == true || printed().contains(taken) || !attempt.isRunning
            }
            guard printed().contains(taken) else {
                started = attempt
                break
            }
            attempt.send(SIGKILL)
            try Waiting.exit(of: attempt, "the run whose port was taken")
            try Data().write(to: errors)
        }
        let run = try #require(started, "five free ports were all taken before vigil could bind them")
        defer { if run.isRunning { run.send(SIGKILL) } }
        /// What the run had done when a wait failed: the last scrape's item lines, what the run
        /// printed, the end of its event log.
        func seen(_ scraped: String) -> String {
            let items = scraped.split(separator: "\n").filter {
                $0.hasPrefix("vigil_item") || $0.hasPrefix("vigil_run_state")
            }
            let said = printed()
            let runs = job.folder.appendingPathComponent("runs/test-job")
            let newest = ((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []).filter {
                !$0.hasPrefix(".")
            }.max()
            let log = newest.flatMap {
                try? String(contentsOf: runs.appendingPathComponent("\($0)/events.jsonl"), encoding: .utf8)
            }
            let state = run.isRunning ? "running" : "ended (\(run.terminationStatus))"
            return "run \(state); last scrape: \(items.isEmpty ? "nothing" : items.joined(separator: "; "));"
                + " it printed: \(said.suffix(1500)); its event log ends: \((log ?? "none").suffix(3000))"
        }
        let succeeded = #"vigil_items_total{outcome="succeeded"}"#
        var first = ""
        // Items 11 and 12 both in flight: the slot item 10 freed is filled a moment after it is
        // counted (a scrape in between saw 1 in flight).
        do {
            try await Waiting.until("ten items counted and two in flight on /metrics", within: 100) {
                first = (try? scrape()) ?? ""
                return Self.value(succeeded, in: first) == 10 && Self.value("vigil_items_in_flight", in: first) == 2
                    || !run.isRunning
            }
        } catch { throw TestFailure("\(error); \(seen(first))") }
        try Data().write(to: job.folder.appendingPathComponent("release"))
        var second = ""
        do {
            try await Waiting.until("twenty items counted on /metrics", within: 100) {
                second = (try? scrape()) ?? ""
                // The count and the latency histogram are two updates: a scrape may fall between.
                return Self.value(succeeded, in: second) == 20
                    && Self.value("vigil_item_latency_seconds_count", in: second) == 20 || !run.isRunning
            }
        } catch { throw TestFailure("\(error); \(seen(second))") }
        #expect(run.isRunning, "the run ended before the second scrape")
        try Data().write(to: job.folder.appendingPathComponent("finish"))
        try Waiting.exit(of: run, "the scraped run")
        #expect(run.terminationStatus == 0)
        return (first, second)
    }

    @Test func theEndpointIsScrapedWhileTheRunGoesOnAndItsCountersRise() async throws {
        let (first, second) = try await Self.scraped.value
        let succeeded = #"vigil_items_total{outcome="succeeded"}"#
        #expect(Self.value(#"vigil_run_state{state="running"}"#, in: first) == 1)
        #expect(Self.value("vigil_items_in_flight", in: first) == 2)
        #expect(Self.value(succeeded, in: second)! > Self.value(succeeded, in: first)!)
        #expect(Self.value("vigil_item_latency_seconds_count", in: second) == 20)
    }

    /// Without promtool (outside CI) these two show as skipped, not as passed.
    @Test(
        .enabled(if: canLint, "needs promtool: apt-get install prometheus (.ci/run installs it)"),
        .timeLimit(.minutes(2)))
    func theTextfilePassesPromtool() async throws {
        let (_, _, text) = try await Self.textfileRun()
        #expect(try Self.promtoolProblems(text) == nil)
    }

    @Test(.enabled(if: canLint, "needs promtool: apt-get install prometheus (.ci/run installs it)"))
    func theScrapedEndpointPassesPromtool() async throws {
        let (first, second) = try await Self.scraped.value
        #expect(try Self.promtoolProblems(first) == nil)
        #expect(try Self.promtoolProblems(second) == nil)
    }

    @Test func anAddressThatIsNotOneIsRefusedBeforeTheRun() async throws {
        let job = try TemporaryJob(
            items: 2, extractor: TemporaryJob.extractor("answer = {\"n\": n}"),
            extra: "consumers:\n  - { type: prometheus, listen: \"localhost:99999\" }\n")
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["run", job.path, "--quiet"])
        #expect(outcome.status == 2)
        #expect(
            outcome.standardError.contains("consumers[0].listen: localhost:99999 is not an address to listen on"),
            "\(outcome.standardError)")
        let neither = try TemporaryJob(items: 2, extractor: "", extra: "consumers:\n  - { type: prometheus }\n")
        let validate = try TestEnvironment.run(TestEnvironment.vigil, ["validate", neither.path])
        #expect(validate.status == 2)
        #expect(validate.standardOutput.contains("job.yaml:") || validate.standardError.contains("job.yaml:"))
    }

    /// A port nothing listens on now (bound, read, closed).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw TestFailure("no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
