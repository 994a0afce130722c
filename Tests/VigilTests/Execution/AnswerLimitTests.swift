import Foundation
import JSONSchema
import Testing
import Vigil

/// An answer too large to be one (a program printing its input or a log, an endpoint that is
/// not a chat completions endpoint) fails its item with a message that says so, and memory
/// does not grow with it.
@Suite(.timeLimit(.minutes(3))) struct AnswerLimitTests {
    func failures(_ job: TemporaryJob, _ engine: RunEngine) throws -> [JSONValue] {
        try job.lines(engine.folder.failed).map { try JSONParser().parse($0) }
    }

    @Test func aProgramPrintingMoreThan16MiBFailsItsItemOnce() async throws {
        let job = try TemporaryJob(
            items: 3, extractor: TemporaryJob.extractor("answer = {\"n\": n} if n != 2 else \"x\" * (17 << 20)"),
            thresholds: "")
        let engine = try await job.engine()
        let summary = await engine.run()
        #expect(summary.counts == RunCounts(total: 3, succeeded: 2, failed: 1))
        let failed = try #require(try failures(job, engine).first)
        #expect(failed["id"] == "items/item-002.txt")
        #expect(
            failed["message"]?.stringValue?.contains(
                "wrote more than 16 MiB to its standard output, the limit for one answer") == true, "\(failed)")
        // The same program would print the same again: not retried.
        #expect(failed["attempts"] == 1)
    }

    @Test func aWorkerLineOver16MiBFailsTheItemsInFlightAndTheWorkerIsRestarted() async throws {
        let job = try TemporaryJob(
            items: 6,
            extractor: TemporaryJob.extractor(
                "answer = {\"n\": n} if n != 3 else \"x\" * (17 << 20)", persistent: true), mode: "persistent",
            thresholds: "", concurrency: 1, retries: "{ max_attempts: 1 }")
        let engine = try await job.engine()
        let summary = await engine.run()
        // One at a time: only item 3 was in flight when its line was too long. (One attempt:
        // reading 17 MiB lines is slow in a debug build, and a retry would only repeat it.)
        #expect(summary.counts == RunCounts(total: 6, succeeded: 5, failed: 1))
        let failed = try #require(try failures(job, engine).first)
        #expect(failed["id"] == "items/item-003.txt")
        #expect(
            failed["message"]?.stringValue?.contains(
                "wrote a line longer than 16 MiB, the limit for one answer; it was stopped and restarted") == true,
            "\(failed)")
    }

    @Test func anEndpointAnsweringMoreThan32MiBIsNotRead() async throws {
        let huge = String(repeating: "x", count: 33 << 20)
        let server = try LoopbackOpenAIServer { _, body in
            OpenAIProviderTests.itemNumber(body) == 2 ? .answer(huge) : OpenAIProviderTests.good(body)
        }
        defer { server.shutdown() }
        // A long timeout: 33 MiB through a loaded machine must not time out first.
        let job = try TemporaryJob(
            items: 3, extractor: "", model: OpenAIProviderTests.model(server, timeout: "120s"), thresholds: "")
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": OpenAIProviderTests.key])
        let summary = await engine.run()
        #expect(summary.counts == RunCounts(total: 3, succeeded: 2, failed: 1))
        let failed = try #require(try failures(job, engine).first)
        #expect(
            failed["message"]?.stringValue?.hasPrefix(
                "the endpoint's answer is larger than 32 MiB, the limit for one answer; it was not read") == true,
            "\(failed)")
        #expect(failed["attempts"] == 1)
    }
}

/// Files Vigil holds whole are refused from their size before a byte is read.
@Suite(.timeLimit(.minutes(3))) struct DocumentLimitTests {
    @Test func aPromptOrSchemaOver8MiBIsRefusedWithItsSize() throws {
        let job = try TemporaryJob(items: 1, extractor: "", thresholds: "")
        let big = Data(repeating: UInt8(ascii: " "), count: (8 << 20) + 1)
        try big.write(to: job.folder.appendingPathComponent("prompt.md"))
        try big.write(to: job.folder.appendingPathComponent("schema.json"))
        let validation = JobLoader(purpose: .validate).load(job.path)
        let messages = validation.diagnostics.map(\.message)
        #expect(
            messages.contains(
                "\(job.folder.appendingPathComponent("prompt.md").path) is 8,388,609 bytes (8.0 MiB); the limit for this file is 8 MiB. Is it the right file?"
            ), "\(messages)")
        #expect(
            messages.contains(
                "\(job.folder.appendingPathComponent("schema.json").path) is 8,388,609 bytes (8.0 MiB); the limit for this file is 8 MiB. Is it the right file?"
            ), "\(messages)")
    }
}
