import Foundation
import JSONSchema
import TestSupport
import Testing
import Vigil

/// The report and the live dashboard in a real browser (headless Chromium, which `.ci/run`
/// installs): no console error, the verdict and every chart on the page, a screenshot kept
/// under .build/test-artifacts, and the dashboard's count going up while a run goes on.
@Suite(
    .serialized,
    .enabled(
        if: Chromium.isInstalled || ProcessInfo.processInfo.environment["CI"] == "true",
        "needs chromium (.ci/run installs it)"))
struct BrowserTests {
    static let artifacts = TestEnvironment.repository.appendingPathComponent(".build/test-artifacts")

    /// What browse.py saw.
    static func browse(_ url: String, _ arguments: [String]) throws -> JSONValue {
        let script = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Browser/browse.py").path
        let outcome = try TestEnvironment.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", script, url] + arguments)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return try JSONParser().parse(outcome.standardOutput)
    }

    @Test func theReportOpensWithItsVerdictAndEveryChartAndNoConsoleError() throws {
        let run = try TestEnvironment.runDemo(in: try TestEnvironment.jobsCopy())
        let report = try TestEnvironment.run(TestEnvironment.vigil, ["report", run.path])
        #expect(report.status == 0, "\(report.standardError)")
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let shot = Self.artifacts.appendingPathComponent("report.png")
        let seen = try Self.browse(
            "file://" + run.appendingPathComponent("report.html").path,
            [
                "--eval", #"status=document.getElementById("status").textContent"#,
                "--eval",
                #"charts=[...document.querySelectorAll("figure.chart")].map(f => f.id + ":" + f.querySelectorAll("svg > title, svg > text.label").length)"#,
                "--eval", #"sections=[...document.querySelectorAll("section")].map(s => s.id)"#,
                "--eval",
                #"fetched=performance.getEntriesByType("resource").filter(r => !r.name.startsWith("file:")).length"#,
                "--screenshot", shot.path,
            ])
        #expect(seen["loaded"] == true)
        #expect(seen["errors"] == [])
        #expect(seen["values"]?["status"] == "COMPLETED")
        // Every chart has a title and both axis labels.
        #expect(
            seen["values"]?["charts"]
                == [
                    "chart-success-items:3", "chart-success-time:3", "chart-throughput:3", "chart-in-flight:3",
                    "chart-latency:3",
                ])
        #expect(
            seen["values"]?["sections"]
                == [
                    "verdict", "pins", "success", "throughput", "latency", "failures", "fields", "retries", "cost",
                    "slowest", "sample",
                ])
        // Nothing was fetched from the network.
        #expect(seen["values"]?["fetched"] == 0)
        let size = try FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int ?? 0
        #expect(size > 50_000)
    }

    @Test func theDashboardsCountGoesUpWhileARunGoesOn() async throws {
        // Items 11-150 wait for the file "go", written just before the browser samples, then
        // take 200 ms each, 2 at a time: some 14 s of items while it samples (at 60 ms an item
        // and no gate, a loaded machine once had them all done before the browser started:
        // it read 150 eight times). The last ten wait for the file "release", so the run is
        // still going when the browser has sampled, however fast the machine is.
        let job = try TemporaryJob(
            items: 160,
            extractor: TemporaryJob.extractor(
                """
                while (n > 10 and not os.path.exists("go")) or (n > 150 and not os.path.exists("release")): time.sleep(0.02)
                time.sleep(0.2 if n > 10 else 0.02)
                answer = {"n": n}
                """,
                persistent: true),
            mode: "persistent", concurrency: 2)
        let runs = job.folder.appendingPathComponent("runs")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        let server = ChildProcess()
        server.executableURL = TestEnvironment.vigil
        server.arguments = ["serve", runs.path, "--port", "0"]
        let serverErrors = Pipe()
        server.standardError = serverErrors
        // Not the test process's own output: a child that outlived a crashed test would hold
        // it open, and `swift test` would wait for it forever.
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { server.send(SIGKILL) }
        let line = try Waiting.read(serverErrors.fileHandleForReading, until: "\n", within: 60)
        let address = try #require(line.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") })
            .trimmingCharacters(in: .whitespaces)

        let run = try TestEnvironment.start(["run", job.path, "--quiet"])
        defer { if run.isRunning { run.send(SIGKILL) } }
        var folder: String?
        try await Waiting.until("the run's folder") {
            folder =
                (try? FileManager.default.contentsOfDirectory(atPath: runs.appendingPathComponent("test-job").path))?
                .first { !$0.hasPrefix(".") }
            return folder != nil
        }
        let index = try Self.browse(
            address,
            [
                "--eval", ##"runs=document.querySelectorAll("#runs tr").length"##, "--eval",
                "text=document.body.innerText",
            ])
        #expect(index["values"]?["runs"] == 2)
        #expect(index["values"]?["text"]?.stringValue?.contains("running (process \(run.processIdentifier))") == true)
        let page = address + "runs/test-job/\(folder!)/"
        try Data().write(to: job.folder.appendingPathComponent("go"))
        let seen = try Self.browse(
            page,
            ["--sample", #"Number(document.getElementById("count").textContent)"#, "--every", "0.4", "--for", "3"])
        #expect(seen["errors"] == [])
        let counts = seen["samples"]?.arrayValue?.compactMap { $0.numberValue?.int64Value } ?? []
        #expect(counts.count >= 5)
        #expect((counts.last ?? 0) > (counts.first ?? 0), "the count did not go up: \(counts)")
        #expect(counts == counts.sorted(), "the count went down: \(counts)")
        #expect(run.isRunning, "the run ended while the browser sampled")
        try Data().write(to: job.folder.appendingPathComponent("release"))
        try Waiting.exit(of: run, "the run the dashboard showed")
        #expect(run.terminationStatus == 0)
    }
}

/// Whether this machine has a Chromium to test with (CI installs one and always runs them).
enum Chromium {
    static let isInstalled = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].contains {
        FileManager.default.isExecutableFile(atPath: $0)
    }
}
