import Foundation
import JSONSchema
import TestSupport
import Testing
import Vigil

/// `vigil run` as a user runs it: the demo, the broken demo, exit codes, a live event log.
@Suite struct RunCommandTests {
    func jobsCopy() throws -> URL { try TestEnvironment.jobsCopy() }

    @Test func theDemoRunsOfflineAndCompletes() throws {
        let jobs = try jobsCopy()
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["run", "demo.yaml"], currentDirectory: jobs)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("completed: 21 of 24 items succeeded (87.5%), 3 failed"))
        let runs = jobs.deletingLastPathComponent().appendingPathComponent("runs/demo-dwc")
        let folders = try FileManager.default.contentsOfDirectory(atPath: runs.path)
        #expect(folders.count == 1)
        let run = runs.appendingPathComponent(folders[0])
        for name in [
            "results.jsonl", "failed.jsonl", "events.jsonl", "manifest.json", "inputs.jsonl", "checkpoint.json",
            "job.yaml", "prompt.md",
        ] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(name).path), "\(name)")
        }
    }

    @Test func theBrokenDemoIsAbortedAtItsEarlyCheckpoint() throws {
        let jobs = try jobsCopy()
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", "examples/broken-extractor.yaml"], currentDirectory: jobs)
        #expect(outcome.status == 3)
        #expect(
            outcome.standardError.contains(
                "ABORTED: success rate 0% after 5 items is below the early threshold of 50%. 5 of 24 items were processed; the rest were not sent."
            ))
    }

    @Test func anInvalidJobIsNotRun() throws {
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", "jobs/examples/wrong-prompt.yaml"],
            currentDirectory: TestEnvironment.repository)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("invalid; nothing was run"))
    }

    @Test func theCanaryRunsOnlyTheFirstItems() throws {
        let jobs = try jobsCopy()
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", "demo.yaml", "--canary", "3", "--quiet"], currentDirectory: jobs)
        #expect(outcome.status == 0)
        #expect(outcome.standardError.contains("completed: 3 of 3 items succeeded"))
    }

    /// Another process (this test) reads events.jsonl while the run goes on: every line it
    /// sees is a whole JSON event, and events appear before the run ends. The watching runs
    /// on a GCD thread, so a busy Swift concurrency pool (other tests) cannot delay it.
    @Test func theEventLogIsReadableWhileTheRunGoesOn() async throws {
        let job = try TemporaryJob(
            items: 10, extractor: TemporaryJob.extractor("time.sleep(0.3)\nanswer = {\"n\": n}"), thresholds: "",
            concurrency: 1)
        let process = ChildProcess()
        process.executableURL = TestEnvironment.vigil
        process.arguments = ["run", job.path, "--quiet"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let runs = job.folder.appendingPathComponent("runs/test-job")
        let (sawWhileRunning, parsedLines, badLine) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var saw = 0
                var parsed = 0
                var bad: String? = nil
                let deadline = Date().addingTimeInterval(Waiting.patience)
                while process.isRunning && Date() < deadline {
                    usleep(50_000)
                    guard let folder = try? FileManager.default.contentsOfDirectory(atPath: runs.path).first,
                        let data = FileManager.default.contents(
                            atPath: runs.appendingPathComponent(folder).appendingPathComponent("events.jsonl").path)
                    else { continue }
                    // Only whole lines count: a line is complete once its newline is written.
                    let complete = String(decoding: data, as: UTF8.self).split(
                        separator: "\n", omittingEmptySubsequences: false
                    ).dropLast()
                    for line in complete {
                        if (try? JSONParser().parse(String(line))) == nil { bad = String(line) } else { parsed += 1 }
                    }
                    if complete.contains(where: { $0.contains("\"item.completed\"") }) && process.isRunning { saw += 1 }
                }
                continuation.resume(returning: (saw, parsed, bad))
            }
        }
        try Waiting.exit(of: process, "the run")
        #expect(process.terminationStatus == 0)
        #expect(badLine == nil, "a line that is not JSON: \(badLine ?? "")")
        #expect(sawWhileRunning > 0, "no item.completed event was visible before the run ended")
        #expect(parsedLines > 0)
    }

    /// A program that exits without reading its input (a crash at start), given an input
    /// larger than a pipe holds: each item fails with the exit status; Vigil itself goes on
    /// (it used to die of SIGPIPE, exit 141, writing the rest of the input).
    @Test func aProgramThatIgnoresItsInputFailsItsItemsNotTheRun() throws {
        let folder = try TestEnvironment.temporaryFolder("vigil-epipe")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("items"), withIntermediateDirectories: true)
        for n in 1...4 {
            try "item \(n)\n".write(
                to: folder.appendingPathComponent("items/\(n).txt"), atomically: true, encoding: .utf8)
        }
        // 360 KB: far more than a pipe's buffer.
        try String(repeating: "Answer with JSON. ", count: 20_000).write(
            to: folder.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        let digest = try #require(FileDigest.sha256(of: folder.appendingPathComponent("prompt.md")))
        try """
        version: 1
        name: ignores-input
        inputs:
          - glob: items/*.txt
        model:
          provider: command
          command: [python3, -c, "import sys; sys.exit(3)"]
          timeout: 10s
        prompt: { file: prompt.md, sha256: \(digest) }
        success: { required_fields: [n] }
        execution: { concurrency: 2, retries: { max_attempts: 1 } }
        output: { dir: runs }

        """.write(to: folder.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", "job.yaml", "--quiet"], currentDirectory: folder)
        #expect(outcome.status == 5, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("FAILED: no item succeeded (4 of 4 failed)."))
    }
}
