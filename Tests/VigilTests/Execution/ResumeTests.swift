import Foundation
import JSONSchema
import Testing
import Vigil

/// `vigil resume` on run folders left in the states a crash leaves: torn last lines, an
/// item whose event was logged but whose result line was not, a live run, drift.
@Suite(.timeLimit(.minutes(3))) struct ResumeTests {
    /// Counts calls: the extractor appends the item number to calls.log.
    static let countingExtractor = TemporaryJob.extractor(
        "open(__import__('os').path.join(__import__('os').path.dirname(__file__), 'calls.log'), 'a').write(f'{n}\\n')\nanswer = {\"n\": n} if n % 5 else {\"n\": 0}"
    )

    func lines(_ url: URL) throws -> [String] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func calls(_ job: TemporaryJob) throws -> [Int] {
        try lines(job.folder.appendingPathComponent("calls.log")).compactMap { Int($0) }
    }

    /// Runs the job to the end, then rewinds the folder to a crash: the manifest says
    /// `running`, the log ends after the `keep`-th ended item, and the last `unrecorded` of
    /// those have their event but no result line (the crash fell between the two writes).
    func crashedRun(_ job: TemporaryJob, keep: Int, unrecorded: Int) async throws -> RunFolder {
        let engine = try await job.engine()
        _ = await engine.run()
        let folder = engine.folder
        let events = try lines(folder.events)
        var ended: [String] = []
        var cut = 0
        for (index, line) in events.enumerated() {
            let event = try JSONParser().parse(line)
            if event["type"] == "item.completed" || event["type"] == "item.failed" {
                ended.append(event["item"]?.stringValue ?? "")
                if ended.count == keep {
                    cut = index + 1
                    break
                }
            }
        }
        try (events[..<cut].joined(separator: "\n") + "\n").write(to: folder.events, atomically: false, encoding: .utf8)
        let recorded = Set(ended.dropLast(unrecorded))
        for url in [folder.results, folder.failed] {
            let kept = try lines(url).filter { recorded.contains(try JSONParser().parse($0)["id"]?.stringValue ?? "") }
            try kept.map { $0 + "\n" }.joined().write(to: url, atomically: false, encoding: .utf8)
        }
        let manifest = try String(contentsOf: folder.manifest, encoding: .utf8).replacing(
            "\"status\":\"completed\"", with: "\"status\":\"running\"")
        try manifest.write(to: folder.manifest, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: job.folder.appendingPathComponent("calls.log"))
        return folder
    }

    func append(_ text: String, to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    func resume(_ folder: RunFolder, allowDrift: Bool = false) async throws -> RunEngine {
        let recorded = try RecordedRun(at: folder.url.path)
        let job = try #require(recorded.loadJob().job)
        return try RunEngine(job: job, setup: try await RunSetup.resuming(recorded, job: job, allowDrift: allowDrift))
    }

    @Test func tornLinesAreCutAndLoggedItemsAreRecoveredNotRerun() async throws {
        let job = try TemporaryJob(items: 20, extractor: Self.countingExtractor, thresholds: "", concurrency: 1)
        let folder = try await crashedRun(job, keep: 9, unrecorded: 2)
        // The crash also tore a line in each appended file (and a power loss left zeros).
        try append("{\"id\":\"items/item-0", to: folder.results)
        try append("\0\0\0\0\n\0\0", to: folder.failed)
        try append("{\"v\":1,\"seq\":", to: folder.events)

        let engine = try await resume(folder)
        let summary = await engine.run()
        #expect(summary.status == .completed)
        #expect(summary.counts == RunCounts(total: 20, succeeded: 16, failed: 4))
        // Only the 11 items with no event were sent again; the 2 logged ones were recovered.
        #expect(try calls(job).sorted() == Array(10...20))
        let ids = try (lines(folder.results) + lines(folder.failed)).map {
            try JSONParser().parse($0)["id"]?.stringValue ?? ""
        }
        #expect(ids.count == 20 && Set(ids).count == 20)
        let events = try lines(folder.events).map { try RunEvent(json: JSONParser().parse($0)) }
        #expect(events.map(\.sequence) == Array(1...events.count))
        let resumed = try #require(events.compactMap { if case .runResumed(let r) = $0.kind { r } else { nil } }.first)
        #expect(resumed.recoveredItems == 2)
        #expect(resumed.counts.completed == 9)
        #expect(Set(resumed.repairedBytes.keys) == ["results.jsonl", "failed.jsonl", "events.jsonl"])
        #expect(resumed.repairedBytes["failed.jsonl"] == 7)
        let manifest = try JSONParser().parse(Data(contentsOf: folder.manifest))
        #expect(manifest["status"] == "completed")
        #expect(manifest["resumes"]?.arrayValue?.first?["recovered_items"] == 2)
        #expect(manifest["outputs"]?["results.jsonl"]?.stringValue == FileDigest.sha256(of: folder.results))
    }

    @Test func aDamagedLineInTheMiddleIsRefusedWithItsPlace() async throws {
        let job = try TemporaryJob(items: 6, extractor: Self.countingExtractor, thresholds: "", concurrency: 1)
        let folder = try await crashedRun(job, keep: 4, unrecorded: 0)
        var results = try lines(folder.results)
        results[1] = "{\"id\": broken"
        try results.map { $0 + "\n" }.joined().write(to: folder.results, atomically: false, encoding: .utf8)
        await #expect {
            _ = try await resume(folder)
        } throws: { error in
            "\(error)".contains("results.jsonl:2: not a JSON line") && "\(error)".contains("remove that line")
        }
    }

    @Test func thresholdsCountOverTheWholeRun() async throws {
        // Items 1-4 succeed, then every item fails; 3 consecutive failures abort.
        let job = try TemporaryJob(
            items: 12, extractor: TemporaryJob.extractor("answer = {\"n\": n} if n <= 4 else {\"n\": 0}"),
            thresholds: "thresholds:\n  max_consecutive_failures: 3\n", concurrency: 1)
        // Stopped after 6 items (2 failures in a row so far), like a Ctrl-C.
        let first = try await job.engine()
        _ = StopAfterItems(6, of: first)
        let interrupted = await first.run()
        #expect(interrupted.status == .interrupted)
        #expect(interrupted.counts.completed == 6)

        let summary = await (try await resume(first.folder)).run()
        // The third failure in a row is the resumed run's first item: it stops there.
        #expect(summary.status == .aborted)
        #expect(summary.counts.completed == 7)
        #expect(summary.verdict?.check?.check == "max_consecutive_failures")
    }

    @Test func anEndedRunIsNotResumed() async throws {
        let job = try TemporaryJob(items: 3, extractor: Self.countingExtractor, thresholds: "", concurrency: 1)
        let engine = try await job.engine()
        _ = await engine.run()
        await #expect {
            _ = try await resume(engine.folder)
        } throws: { error in
            "\(error)".contains("already ended: completed") && "\(error)".contains("nothing to resume")
        }
    }

    @Test func driftRefusesAResumeUnlessAllowed() async throws {
        let job = try TemporaryJob(items: 6, extractor: Self.countingExtractor, thresholds: "", concurrency: 1)
        let folder = try await crashedRun(job, keep: 3, unrecorded: 0)
        try "item 99\n".write(
            to: job.folder.appendingPathComponent("items/item-005.txt"), atomically: true, encoding: .utf8)
        await #expect {
            _ = try await resume(folder)
        } throws: { error in
            // Told from stat alone: size 7 -> 8 bytes and the modification time.
            guard case ResumeRefusal.drift(let drift) = error else { return false }
            return drift.count == 1 && drift[0].kind == .input
                && drift[0].message.hasPrefix(
                    "input items/item-005.txt changed since the run listed it (size 7 -> 8 bytes, modified ")
        }
        let summary = await (try await resume(folder, allowDrift: true)).run()
        #expect(summary.status == .completed)
        // Allowed past the drift, the item not yet sent goes out as it is now: its line
        // records the digest of the new bytes (it is not failed against its old stamp).
        let lines = try (lines(folder.results) + lines(folder.failed)).map { try JSONParser().parse($0) }
        let item5 = try #require(lines.first { $0["id"] == "items/item-005.txt" })
        #expect(item5["sha256"]?.stringValue == FileDigest.sha256(of: Array("item 99\n".utf8)))
        #expect(item5["error"] != "input")
        let manifest = try JSONParser().parse(Data(contentsOf: folder.manifest))
        #expect(
            manifest["resumes"]?.arrayValue?.first?["drift"]?.arrayValue?.first?.stringValue?.hasPrefix(
                "input items/item-005.txt changed") == true)
    }
}
