import Foundation
import JSONSchema
import TestSupport
import Testing
import Vigil

/// `vigil events` and `vigil watch`, run as a user runs them: on the demo, on a run being
/// written, on a run killed with SIGKILL and resumed.
@Suite(.serialized) struct ObserveCommandTests {
    /// The job's newest run folder, once there is one.
    static func folder(of job: TemporaryJob) -> URL? {
        let runs = job.folder.appendingPathComponent("runs/test-job")
        let name = (try? FileManager.default.contentsOfDirectory(atPath: runs.path))?.filter { !$0.hasPrefix(".") }
            .max()
        return name.map { runs.appendingPathComponent($0) }
    }

    static func manifestCounts(_ folder: URL) throws -> JSONValue? {
        try JSONParser().parse(String(contentsOf: folder.appendingPathComponent("manifest.json"), encoding: .utf8))[
            "counts"]
    }

    /// `vigil events --summary --format jsonl` of `folder`, parsed.
    static func summary(_ folder: URL) throws -> JSONValue {
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["events", folder.path, "--summary", "--format", "jsonl"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return try JSONParser().parse(outcome.standardOutput)
    }

    static func expectSummaryMatchesManifest(_ folder: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        throws
    {
        let summary = try summary(folder)
        let counts = try #require(try manifestCounts(folder), sourceLocation: sourceLocation)
        for key in ["total", "completed", "succeeded", "failed"] {
            #expect(
                summary[key] == counts[key],
                "\(key): the log says \(summary[key] ?? .null), the manifest \(counts[key] ?? .null)",
                sourceLocation: sourceLocation)
        }
        let manifest = try JSONParser().parse(
            String(contentsOf: folder.appendingPathComponent("manifest.json"), encoding: .utf8))
        #expect(summary["status"] == manifest["status"], sourceLocation: sourceLocation)
    }

    @Test func theDemoSummaryFromTheLogEqualsTheManifest() throws {
        let jobs = try TestEnvironment.jobsCopy()
        let copy = jobs.deletingLastPathComponent()
        let folder = try TestEnvironment.runDemo(in: jobs)
        try Self.expectSummaryMatchesManifest(folder)
        let summary = try Self.summary(folder)
        #expect(summary["failures_by_cause"]?["schema"] == 3)
        #expect(summary["failures_by_message"]?.arrayValue?.first?["count"] == 2)
        // The text form: filters, one line per event.
        let failed = try TestEnvironment.run(TestEnvironment.vigil, ["events", folder.path, "--type", "item.failed"])
        #expect(failed.standardOutput.split(separator: "\n").count == 3)
        #expect(
            failed.standardOutput.split(separator: "\n").allSatisfy { $0.contains(" item.failed data/labels/label-") })
        let since = try TestEnvironment.run(
            TestEnvironment.vigil, ["events", folder.path, "--since", "10", "--format", "jsonl"])
        let numbers = try since.standardOutput.split(separator: "\n").map {
            try JSONParser().parse(String($0))["seq"]?.numberValue?.int64Value ?? 0
        }
        #expect(numbers.first == 11 && numbers == Array(11...Int64(10 + numbers.count)))
        let wrong = try TestEnvironment.run(TestEnvironment.vigil, ["events", folder.path, "--type", "item.done"])
        #expect(wrong.status == 2 && wrong.standardError.contains("--type item.done is not an event type"))
        // A report of the run, and of it beside a second run of the same job: their diff.
        let secondFolder = try TestEnvironment.runDemo(in: jobs)
        let output = copy.appendingPathComponent("both.html")
        let both = try TestEnvironment.run(
            TestEnvironment.vigil, ["report", folder.path, secondFolder.path, "-o", output.path])
        #expect(both.status == 0, "\(both.standardError)")
        let html = try String(contentsOf: output, encoding: .utf8)
        #expect(html.contains("<section id=\"diff\"><h2>Compared with another run</h2>"))
        #expect(html.contains("items: 24 same outcome, 0 different result"))
        #expect(html.contains("run B, so far"))
        #expect(!html.contains("http://") && !html.contains("https://"), "the report refers to the network")
        let missing = try TestEnvironment.run(
            TestEnvironment.vigil, ["report", copy.appendingPathComponent("nowhere").path])
        #expect(missing.status == 2 && missing.standardError.contains("does not exist; give a run folder"))
        // watch on a finished run: its summary, its exit status.
        let watch = try TestEnvironment.run(TestEnvironment.vigil, ["watch", folder.path])
        #expect(watch.status == 0)
        #expect(watch.standardOutput.contains("· COMPLETED"))
        #expect(watch.standardOutput.contains("[24/24] 100%"))
        #expect(watch.standardOutput.contains("2 × schema: the answer does not match the success schema"))
    }

    /// A run slow enough to watch, or to kill before it ends, on a loaded machine: each item
    /// takes about 100 ms, two at a time.
    static func slowJob(items: Int) throws -> TemporaryJob {
        try TemporaryJob(
            items: items,
            extractor: TemporaryJob.extractor(
                "time.sleep(0.1)\nanswer = {\"n\": 0 if n % 7 == 0 else n}", persistent: true), mode: "persistent",
            concurrency: 2)
    }

    @Test func watchFollowsARunToItsEndInPlainLinesAndInATerminal() async throws {
        // The items wait for a file the test makes once watch is following the run: a
        // loaded machine cannot finish the run before watch has seen it going.
        let job = try TemporaryJob(
            items: 60,
            extractor: TemporaryJob.extractor(
                "while not os.path.exists(\"release\"): time.sleep(0.02)\nanswer = {\"n\": 0 if n % 7 == 0 else n}",
                persistent: true),
            mode: "persistent", concurrency: 2)
        let run = try TestEnvironment.start(["run", job.path, "--quiet"])
        defer { if run.isRunning { run.send(SIGKILL) } }
        try await Waiting.until("the run's folder") { Self.folder(of: job) != nil }
        // The job file names its newest run; watched as plain lines (not a terminal).
        let watch = ChildProcess()
        watch.executableURL = TestEnvironment.vigil
        watch.arguments = ["watch", job.path, "--interval", "0.3"]
        let output = Pipe()
        watch.standardOutput = output
        watch.standardError = FileHandle.nullDevice
        try watch.run()
        defer { if watch.isRunning { watch.send(SIGKILL) } }
        var seen = try Waiting.read(output.fileHandleForReading, until: "running (process \(run.processIdentifier))")
        try Data().write(to: job.folder.appendingPathComponent("release"))
        try Waiting.exit(of: run, "the watched run")
        try Waiting.exit(of: watch, "vigil watch")
        seen += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(watch.terminationStatus == run.terminationStatus)
        #expect(seen.contains("· COMPLETED"))
        #expect(seen.contains("[60/60] 100%"))
        #expect(!seen.contains("\u{1B}["))
        // In a pseudo-terminal (script(1)).
        let terminal = try TestEnvironment.run(
            URL(fileURLWithPath: "/usr/bin/script"),
            ["-qec", "\(TestEnvironment.vigil.path) watch \(try #require(Self.folder(of: job)).path)", "/dev/null"])
        #expect(terminal.status == 0)
        // (It has ended: its view is printed once, on the normal screen; the tmux tests in
        // LiveViewTerminalTests see it redrawn while a run goes.)
        #expect(terminal.standardOutput.hasPrefix("run "))
        #expect(terminal.standardOutput.contains("\n[60/60] 100%"))
        #expect(!terminal.standardOutput.contains("\u{1B}[?1049h"))
    }

    @Test func aRunKilledAndResumedSummarizesAsItsManifestAndWatchSaysWhenItCrashed() async throws {
        let job = try Self.slowJob(items: 60)
        let run = try TestEnvironment.start(["run", job.path, "--quiet"])
        // Killed once some items have ended.
        try await Waiting.until("ten items to end") {
            guard let folder = Self.folder(of: job),
                let log = try? String(contentsOf: folder.appendingPathComponent("events.jsonl"), encoding: .utf8)
            else { return false }
            return log.components(separatedBy: "item.completed").count > 10 || !run.isRunning
        }
        run.send(SIGKILL)
        run.waitUntilExit()
        try #require(run.terminationReason == .uncaughtSignal, "the run ended before it was killed")
        let folder = try #require(Self.folder(of: job))
        let crashed = try TestEnvironment.run(TestEnvironment.vigil, ["watch", folder.path])
        #expect(crashed.status == 4)
        #expect(crashed.standardOutput.contains("NOT RUNNING: it stopped without ending"))
        #expect(crashed.standardOutput.contains("vigil resume \(folder.path)"))
        let follow = try TestEnvironment.run(
            TestEnvironment.vigil, ["events", folder.path, "--follow", "--type", "run.started"])
        #expect(follow.status == 4 && follow.standardError.contains("stopped without ending"))

        let resumed = try TestEnvironment.run(TestEnvironment.vigil, ["resume", folder.path, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        try Self.expectSummaryMatchesManifest(folder)
        #expect(try Self.summary(folder)["failed"] == 8)
    }
}
