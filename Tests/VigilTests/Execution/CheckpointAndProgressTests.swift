import Foundation
import JSONSchema
import Testing

@testable import Vigil

/// What a run writes as it goes besides its results: the checkpoint every
/// `checkpoint.every` items, and `progress` events at the progress interval.
@Suite(.timeLimit(.minutes(3))) struct CheckpointAndProgressTests {
    func events(_ job: TemporaryJob, _ engine: RunEngine) throws -> [JSONValue] {
        try job.lines(engine.folder.events).map { try JSONParser().parse($0) }
    }

    /// `checkpoint: {every: 5}` over 23 items: saved at 5, 10, 15, 20 and at the end; each
    /// checkpoint's counts are those of the log up to the event number it names.
    @Test func theCheckpointIsSavedEveryNItemsAndAgreesWithTheLog() async throws {
        let job = try TemporaryJob(
            items: 23, extractor: TemporaryJob.extractor("answer = {\"n\": n if n % 4 else 0}"), thresholds: "",
            concurrency: 2)
        let engine = try await job.engine()
        let summary = await engine.run()
        #expect(summary.counts == RunCounts(total: 23, succeeded: 18, failed: 5))
        let log = try events(job, engine)
        let saved = log.filter { $0["type"] == "checkpoint.saved" }.compactMap {
            $0["completed"]?.numberValue?.int64Value
        }
        #expect(saved == [5, 10, 15, 20, 23])

        let checkpoint = try Checkpoint(contentsOf: engine.folder.checkpoint)
        #expect(checkpoint.run == engine.folder.runID)
        #expect((checkpoint.completed, checkpoint.succeeded, checkpoint.failed) == (23, 18, 5))
        // Its event number is a real event, and the items ended up to it are its counts.
        let upTo = log.filter { ($0["seq"]?.numberValue?.int64Value ?? .max) <= Int64(checkpoint.lastSequence) }
        #expect(upTo.count == checkpoint.lastSequence)
        #expect(upTo.filter { $0["type"] == "item.completed" }.count == checkpoint.succeeded)
        #expect(upTo.filter { $0["type"] == "item.failed" }.count == checkpoint.failed)
        #expect(Timestamp.parse(checkpoint.savedAt) != nil, "saved_at \(checkpoint.savedAt)")
    }

    /// `progress` events come at the interval while items run (not only at the end), never
    /// closer together than it, with counts that only grow.
    @Test func progressEventsComeAtTheInterval() async throws {
        let job = try TemporaryJob(
            items: 20, extractor: TemporaryJob.extractor("time.sleep(0.1)\nanswer = {\"n\": n}", persistent: true),
            mode: "persistent", thresholds: "", concurrency: 1)
        let engine = try await job.engine(options: RunOptions(progressInterval: .milliseconds(200)))
        let summary = await engine.run()
        #expect(summary.counts.succeeded == 20)
        let progress = try events(job, engine).filter { $0["type"] == "progress" }
        // 20 items of 0.1 s one at a time: 2 s or more, so 5 intervals at the least.
        #expect(progress.count >= 5, "\(progress.count) progress events in a run of \(summary.duration) s")
        let times = progress.compactMap { $0["ts"]?.stringValue.flatMap(Timestamp.parse) }
        #expect(times.count == progress.count)
        // Not more often than the interval: a tick a loaded machine made late is followed by
        // one on time, so pairs may be closer, but not the events over the run.
        let span = (times.last ?? 0) - (times.first ?? 0)
        #expect(
            Double(times.count - 1) <= span / 0.2 + 1,
            "\(times.count) progress events over \(span) s with a 200 ms interval")
        let completed = progress.compactMap { $0["completed"]?.numberValue?.int64Value }
        #expect(completed == completed.sorted())
        #expect(completed.first ?? 20 < 20, "a progress event came while items were still running")
        #expect(progress.allSatisfy { $0["total"] == 20 && $0["in_flight"] != nil && $0["items_per_second"] != nil })
    }
}
