import Foundation
import JSONSchema
import TestSupport
import Testing

/// Ctrl-C during `vigil run`, with a real signal to the real process.
@Suite struct InterruptionTests {
    func launch(_ job: TemporaryJob) throws -> (ChildProcess, Pipe) {
        let process = ChildProcess()
        process.executableURL = TestEnvironment.vigil
        process.arguments = ["run", job.path, "--quiet"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, errors)
    }

    /// Once `file` of the run folder has a line containing `marker` (`count` of them), sends
    /// SIGINT to `process` `signals` times, 300 ms apart — from a GCD thread, so a busy test pool
    /// cannot delay the signal past the end of the run.
    func interrupt(
        _ process: ChildProcess, when file: String, has count: Int, linesContaining marker: String,
        of job: TemporaryJob, signals: Int = 1, signal: Int32 = SIGINT
    ) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let runs = job.folder.appendingPathComponent("runs/test-job")
                for _ in 0..<400 {
                    if let folder = try? FileManager.default.contentsOfDirectory(atPath: runs.path).first,
                        let text = try? String(
                            contentsOf: runs.appendingPathComponent(folder).appendingPathComponent(file),
                            encoding: .utf8),
                        text.split(separator: "\n").filter({ $0.contains(marker) }).count >= count
                    {
                        break
                    }
                    usleep(25_000)
                }
                for index in 0..<signals {
                    if index > 0 { usleep(300_000) }
                    process.send(signal)
                }
                continuation.resume()
            }
        }
    }

    /// Ctrl-C, or SIGTERM (what a scheduler or `kill` sends): the same graceful stop.
    @Test(arguments: [SIGINT, SIGTERM])
    func theFirstSignalLetsInFlightItemsFinishAndWritesAnInterruptedManifest(signal: Int32) async throws {
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        // Each item the program is given leaves a mark: what was sent is known.
        let job = try TemporaryJob(
            items: 30,
            extractor: TemporaryJob.extractor(
                "open(f\"sent-{n}\", \"w\").close()\ntime.sleep(0.4)\nanswer = {\"n\": n}"),
            thresholds: "", concurrency: 2)
        let (process, errors) = try launch(job)
        await interrupt(process, when: "results.jsonl", has: 2, linesContaining: "\"id\"", of: job, signal: signal)
        try Waiting.exit(of: process, "the interrupted run")
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 4, "\(stderr)")
        #expect(stderr.contains("\(name): taking no new items"), "\(stderr)")
        #expect(stderr.contains("INTERRUPTED after"))

        let runs = job.folder.appendingPathComponent("runs/test-job")
        let run = runs.appendingPathComponent(
            try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first))
        let manifest = try JSONParser().parse(Data(contentsOf: run.appendingPathComponent("manifest.json")))
        #expect(manifest["status"] == "interrupted")
        #expect(manifest["verdict"] == .string("interrupted by \(name)"))
        let results = try job.lines(run.appendingPathComponent("results.jsonl"))
        let completed = manifest["counts"]?["completed"]?.numberValue?.int64Value ?? -1
        // Every item that was in flight finished and was recorded; none was recorded twice.
        #expect(Int64(results.count) == completed)
        #expect(Set(results.map { try? JSONParser().parse($0)["id"]?.stringValue }).count == results.count)
        #expect(completed < 30)
        let events = try job.lines(run.appendingPathComponent("events.jsonl")).map { try JSONParser().parse($0) }
        #expect(events.last?["type"] == "run.interrupted")
        // Every item that was sent ended. (One started but not yet sent when the signal came
        // stays to do, with no end: seen once in CI, 4 started and 3 completed.)
        let sent = try FileManager.default.contentsOfDirectory(atPath: job.folder.path).filter {
            $0.hasPrefix("sent-")
        }
        #expect(Int64(sent.count) == completed, "every item sent ended: \(sent.sorted())")
        let started = events.filter { $0["type"] == "item.started" }.count
        #expect(Int64(started) >= completed && started <= Int(completed) + 2)
    }

    @Test func aSecondCtrlCStopsAtOnce() async throws {
        let job = try TemporaryJob(
            items: 10, extractor: TemporaryJob.extractor("time.sleep(20)\nanswer = {\"n\": n}"), thresholds: "",
            concurrency: 2)
        let (process, _) = try launch(job)
        await interrupt(process, when: "events.jsonl", has: 2, linesContaining: "item.started", of: job, signals: 2)
        let clock = ContinuousClock()
        let start = clock.now
        try Waiting.exit(of: process, "the interrupted run")
        #expect(clock.now - start < .seconds(10))
        #expect(process.terminationStatus == 4)
    }

    @Test func inFlightItemsGetTheGracePeriodThenAreCancelled() async throws {
        let job = try TemporaryJob(
            items: 10, extractor: TemporaryJob.extractor("time.sleep(20)\nanswer = {\"n\": n}"), thresholds: "",
            concurrency: 2,
            retries: "{ max_attempts: 1 }\n  grace_period: 600ms")
        let (process, errors) = try launch(job)
        await interrupt(process, when: "events.jsonl", has: 2, linesContaining: "item.started", of: job)
        let clock = ContinuousClock()
        let start = clock.now
        try Waiting.exit(of: process, "the interrupted run")
        #expect(clock.now - start < .seconds(10))
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 4, "\(stderr)")
        #expect(
            stderr.contains(
                "the grace period (execution.grace_period, 600ms) ran out and 2 items in flight were cancelled (they stay to do)"
            ), "\(stderr)")
        #expect(stderr.contains("vigil resume "))
    }
}
