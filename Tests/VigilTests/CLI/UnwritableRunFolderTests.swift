import Foundation
import JSONSchema
import Testing

/// A run whose folder stops taking writes (a full disk), made real with a file-size limit:
/// `ulimit -f` makes the kernel refuse to grow a file past it (EFBIG, with SIGXFSZ
/// ignored), the way a full disk refuses with ENOSPC.
@Suite struct UnwritableRunFolderTests {
    /// Items whose results are long enough that events.jsonl (about 600 bytes an item)
    /// reaches the limit long before inputs.jsonl (about 200) or results.jsonl (about 400).
    func job() throws -> TemporaryJob {
        try TemporaryJob(
            items: 60,
            extractor: TemporaryJob.extractor("answer = {\"n\": n, \"text\": \"x\" * 300}", persistent: true),
            mode: "persistent",
            thresholds: "", concurrency: 2)
    }

    @Test func theRunStopsAsInterruptedSaysWhyAndResumesWithNothingLostOrDoneTwice() throws {
        let job = try job()
        let limitKiB = 16
        let limited = try TestEnvironment.run(
            URL(fileURLWithPath: "/bin/bash"),
            [
                "-c", "trap '' XFSZ; ulimit -f \(limitKiB); exec \"$0\" run \"$1\" --quiet", TestEnvironment.vigil.path,
                job.path,
            ])
        #expect(limited.status == 4, "\(limited.standardError)")
        #expect(limited.standardError.contains("cannot write "), "\(limited.standardError)")
        #expect(limited.standardError.contains("events.jsonl: File too large"), "\(limited.standardError)")
        #expect(limited.standardError.contains("vigil resume "), "\(limited.standardError)")

        let runs = job.folder.appendingPathComponent("runs/test-job")
        let run = runs.appendingPathComponent(
            try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first))
        let manifest = try JSONParser().parse(Data(contentsOf: run.appendingPathComponent("manifest.json")))
        #expect(manifest["status"] == "interrupted")
        let events = run.appendingPathComponent("events.jsonl")
        let logSize = try #require(try FileManager.default.attributesOfItem(atPath: events.path)[.size] as? Int)
        #expect(logSize <= limitKiB * 1024)
        let stoppedAt = try job.lines(run.appendingPathComponent("results.jsonl")).count
        #expect(stoppedAt > 0 && stoppedAt < 60, "the limit was reached mid-run (\(stoppedAt) recorded)")

        let resumed = try TestEnvironment.run(TestEnvironment.vigil, ["resume", run.path, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.standardError)")

        // Every item exactly once, and the log tells the same story as the files.
        let results = try job.lines(run.appendingPathComponent("results.jsonl")).map { try JSONParser().parse($0) }
        let failed = try job.lines(run.appendingPathComponent("failed.jsonl"))
        #expect(failed.isEmpty)
        let ids = results.compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 60 && Set(ids).count == 60)
        let log = try job.lines(events).map { try JSONParser().parse($0) }
        #expect(
            log.map { $0["seq"]?.numberValue?.int64Value ?? -1 } == (1...Int64(log.count)).map { $0 },
            "sequence numbers without gaps")
        let completedEvents = log.filter { $0["type"] == "item.completed" }.compactMap { $0["item"]?.stringValue }
        #expect(completedEvents.sorted() == ids.sorted(), "one item.completed per recorded result")
        let final = try JSONParser().parse(Data(contentsOf: run.appendingPathComponent("manifest.json")))
        #expect(final["status"] == "completed")
        #expect(final["counts"]?["succeeded"] == .number(JSONNumber(60)))
    }
}
