import Foundation
import JSONSchema
import Testing
import Vigil

/// The run folder never claims the model saw bytes it did not see (issue 12, defects 1
/// and 3): inputs are listed by `stat` alone, each file is read once per attempt, and the
/// sha256 recorded for an item is of the bytes that attempt sent.
@Suite(.timeLimit(.minutes(3))) struct InputIntegrityTests {
    static func sha256(_ text: String) -> String { FileDigest.sha256(of: Array(text.utf8)) }

    @Test func anInputEditedDuringTheRunIsCaughtNotSentUnderItsOldName() async throws {
        let server = try LoopbackOpenAIServer { _, body in
            .slow(0.15, "{\"n\": \(OpenAIProviderTests.itemNumber(body))}")
        }
        defer { server.shutdown() }
        let job = try TemporaryJob(
            items: 30, extractor: "", model: OpenAIProviderTests.model(server), thresholds: "", concurrency: 2)
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": OpenAIProviderTests.key])
        let run = Task { await engine.run() }
        try await Task.sleep(for: .seconds(1))
        try "item 25 edited during the run\n".write(
            to: job.folder.appendingPathComponent("items/item-025.txt"), atomically: true, encoding: .utf8)
        let summary = await run.value
        #expect(summary.counts == RunCounts(total: 30, succeeded: 29, failed: 1))

        let failed = try job.lines(engine.folder.failed).map { try JSONParser().parse($0) }
        #expect(failed.count == 1)
        #expect(failed.first?["id"] == "items/item-025.txt")
        #expect(failed.first?["error"] == "input")
        #expect(
            failed.first?["message"]?.stringValue?.hasPrefix(
                "the input items/item-025.txt changed after the run listed it (size 8 -> 30 bytes, modified ") == true)
        // Not sent: no request carried either version of item 25.
        let sent = server.requests.compactMap { $0.body?["messages"]?.arrayValue?.last?["content"]?.stringValue }
        #expect(!sent.contains { $0.contains("item 25") })
        // Every recorded digest is of the bytes the endpoint received for that item.
        let results = try job.lines(engine.folder.results).map { try JSONParser().parse($0) }
        let sentDigests = Set(sent.map(Self.sha256))
        #expect(results.count == 29)
        for line in results {
            let digest = try #require(line["sha256"]?.stringValue)
            #expect(sentDigests.contains(digest), "\(line)")
            let number = Int(line["id"]!.stringValue!.dropFirst("items/item-".count).prefix(3))!
            #expect(digest == Self.sha256("item \(number)\n"))
        }
    }

    @Test func theListIsTakenByStatAlone() async throws {
        let job = try TemporaryJob(items: 3, extractor: TemporaryJob.extractor("answer = {\"n\": n}"), thresholds: "")
        let engine = try await job.engine()
        let listed = try job.lines(engine.folder.inputs).map { try JSONParser().parse($0) }
        #expect(listed.count == 3)
        for entry in listed {
            #expect(entry["sha256"] == nil, "a file is not read to be listed: \(entry)")
            #expect(entry["size"] == 7)
            #expect((entry["modified_ns"]?.numberValue?.int64Value ?? 0) > 1_700_000_000_000_000_000)
        }
        _ = await engine.run()
        let results = try job.lines(engine.folder.results).map { try JSONParser().parse($0) }.sorted {
            $0["id"]!.stringValue! < $1["id"]!.stringValue!
        }
        #expect(results.map { $0["sha256"]?.stringValue } == (1...3).map { Self.sha256("item \($0)\n") })
    }

    @Test func aProgramsLargeInputIsHashedInPiecesToTheSameDigest() async throws {
        // The command provider reads the file itself: Vigil hashes it 1 MiB at a time.
        let job = try TemporaryJob(items: 1, extractor: TemporaryJob.extractor("answer = {\"n\": 1}"), thresholds: "")
        let large = job.folder.appendingPathComponent("items/item-002.txt")
        var bytes = [UInt8](repeating: 0x61, count: 3 << 20 + 17)
        for index in stride(from: 0, to: bytes.count, by: 4099) { bytes[index] = UInt8(truncatingIfNeeded: index) }
        try Data(bytes + Array(" 2\n".utf8)).write(to: large)
        let engine = try await job.engine()
        _ = await engine.run()
        // Its bytes are not UTF-8 text, so the extractor may fail on it: the digest is on
        // its line either way.
        let lines = try (job.lines(engine.folder.results) + job.lines(engine.folder.failed)).map {
            try JSONParser().parse($0)
        }
        let line = try #require(lines.first { $0["id"] == "items/item-002.txt" })
        #expect(line["sha256"]?.stringValue == FileDigest.sha256(of: large))
    }

    @Test func aFileChangedWhileAProgramReadsItLosesItsAnswer() async throws {
        // The command provider hands the program the path; the program reads it itself.
        let job = try TemporaryJob(
            items: 1, extractor: TemporaryJob.extractor("time.sleep(1.0)\nanswer = {\"n\": n}"), thresholds: "",
            retries: "{ max_attempts: 1, initial_delay: 10ms, max_delay: 20ms }")
        let engine = try await job.engine()
        let run = Task { await engine.run() }
        try await Task.sleep(for: .milliseconds(400))
        try "item 1 and more\n".write(
            to: job.folder.appendingPathComponent("items/item-001.txt"), atomically: true, encoding: .utf8)
        _ = await run.value
        let failed = try job.lines(engine.folder.failed).map { try JSONParser().parse($0) }
        #expect(failed.first?["error"] == "input")
        // Caught after the answer; on a machine so loaded that the edit lands before the
        // attempt's read, caught before sending instead. Never kept as a result.
        let message = failed.first?["message"]?.stringValue ?? ""
        #expect(
            message.hasPrefix("the input items/item-001.txt changed while the model worked on it")
                || message.hasPrefix("the input items/item-001.txt changed after the run listed it"), "\(message)")
        #expect(try job.lines(engine.folder.results).isEmpty)
    }

    @Test func aRecordChangedAfterListingIsNotSent() async throws {
        // Records are read lazily, 64 KiB at a time: one rewritten in place beyond the
        // first chunk is read with its new bytes, and must not be sent as the listed one.
        let job = try TemporaryJob(
            items: 1,
            extractor: TemporaryJob.extractor(
                "if request[\"record\"][\"key\"] == \"r1\": time.sleep(1.0)\nanswer = {\"n\": 1}", persistent: true),
            mode: "persistent",
            thresholds: "", concurrency: 1)
        let records =
            (1...3000).map { "{\"key\": \"r\($0)\", \"text\": \"record \(String(format: "%04d", $0))\"}" }.joined(
                separator: "\n") + "\n"
        let url = job.folder.appendingPathComponent("records.jsonl")
        try records.write(to: url, atomically: true, encoding: .utf8)
        var text = try String(contentsOfFile: job.path, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "  - glob: items/*.txt", with: "  - jsonl: records.jsonl\n    id_field: key")
        try text.write(toFile: job.path, atomically: true, encoding: .utf8)
        let engine = try await job.engine()
        let run = Task { await engine.run() }
        try await Task.sleep(for: .milliseconds(400))
        // In place, same length: the reader's next chunk continues in the new bytes.
        let handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: Data(records.replacingOccurrences(of: "record 2500", with: "record XXXX").utf8))
        try handle.close()
        let summary = await run.value
        #expect(summary.counts == RunCounts(total: 3000, succeeded: 2999, failed: 1))
        let failed = try job.lines(engine.folder.failed).map { try JSONParser().parse($0) }
        #expect(failed.first?["id"] == "r2500")
        #expect(failed.first?["error"] == "input")
        #expect(
            failed.first?["message"]?.stringValue?.hasPrefix("record r2500 changed after the run listed it") == true)
    }

    @Test func namesThatNeedEscapingRunAndResumeLikeAnyOther() async throws {
        // The list's fast reader takes plain ASCII lines; these go to the general parser.
        let job = try TemporaryJob(items: 1, extractor: TemporaryJob.extractor("answer = {\"n\": 1}"), thresholds: "")
        let names = ["a\"b.txt", "back\\slash.txt", "tab\tx.txt", "é€𝄞.txt", "plain.txt"]
        for name in names {
            try "item 1\n".write(
                to: job.folder.appendingPathComponent("items/\(name)"), atomically: true, encoding: .utf8)
        }
        let engine = try await job.engine()
        let summary = await engine.run()
        #expect(summary.counts == RunCounts(total: 6, succeeded: 6, failed: 0))
        let ids = try job.lines(engine.folder.results).compactMap { try JSONParser().parse($0)["id"]?.stringValue }
        #expect(Set(ids) == Set((names + ["item-001.txt"]).map { "items/\($0)" }))
    }
}
