import Foundation
import JSONSchema
import Testing
import Vigil

/// The Files and Batches endpoints, spoken to a loopback server that implements them.
@Suite struct BatchClientTests {
    static func client(_ server: LoopbackBatchServer) -> BatchClient {
        BatchClient(
            baseURL: server.baseURL, keyVariable: "VIGIL_TEST_KEY", key: Secret(OpenAIProviderTests.key),
            timeout: .seconds(10))
    }

    /// `n` request lines: `{custom_id, method, url, body}`.
    static func requests(_ n: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in 1...n {
            var writer = JSONWriter()
            writer.value([
                "custom_id": .string("item-\(index)"), "method": "POST", "url": "/v1/chat/completions",
                "body": ["model": "m", "messages": [["role": "user", "content": .string("item \(index)")]]],
            ])
            bytes += writer.bytes + [0x0A]
        }
        return bytes
    }

    static func answer(_ body: JSONValue) -> String {
        "{\"n\": \(OpenAIProviderTests.itemNumber(body))}"
    }

    /// Polls until the batch is final (at most `polls` times).
    static func wait(_ client: BatchClient, _ id: String, polls: Int = 20) async throws -> BatchStatus {
        var status = try await client.status(of: id)
        var count = 1
        while !status.state.isFinal && count < polls {
            status = try await client.status(of: id)
            count += 1
        }
        return status
    }

    static func lines(_ bytes: [UInt8]) throws -> [BatchOutputLine] {
        try String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap {
            BatchOutputLine(json: try JSONParser().parse(String($0)))
        }
    }

    @Test func aBatchGoesFromUploadToAnswers() async throws {
        let server = try LoopbackBatchServer(answer: Self.answer)
        defer { server.shutdown() }
        let client = Self.client(server)
        let file = try await client.upload(Self.requests(5), name: "run-1.jsonl")
        let created = try await client.create(inputFileID: file, metadata: ["vigil_run": "run-1"])
        #expect(created.state == .validating)
        #expect(created.inputFileID == file)
        let done = try await Self.wait(client, created.id)
        #expect(done.state == .completed)
        #expect(done.total == 5 && done.completed == 5)
        let output = try Self.lines(try await client.content(ofFile: try #require(done.outputFileID)))
        #expect(output.map(\.customID) == (1...5).map { "item-\($0)" })
        let first = try output[0].outcome.get()
        #expect(first.text == "{\"n\": 1}")
        #expect(first.usage == TokenUsage(promptTokens: 100, completionTokens: 20))
        #expect(server.submitted == Dictionary(uniqueKeysWithValues: (1...5).map { ("item-\($0)", 1) }))
    }

    @Test func aFailedBatchSaysWhy() async throws {
        let server = try LoopbackBatchServer(fault: .failed, answer: Self.answer)
        defer { server.shutdown() }
        let client = Self.client(server)
        let created = try await client.create(inputFileID: try await client.upload(Self.requests(2), name: "x.jsonl"))
        let done = try await Self.wait(client, created.id)
        #expect(done.state == .failed)
        #expect(done.errors == ["line 1: the input file is not valid"])
        #expect(done.outputFileID == nil)
    }

    @Test func anExpiredBatchKeepsWhatItFinishedAndNamesTheRest() async throws {
        let server = try LoopbackBatchServer(fault: .expiresHalfDone, answer: Self.answer)
        defer { server.shutdown() }
        let client = Self.client(server)
        let created = try await client.create(inputFileID: try await client.upload(Self.requests(6), name: "x.jsonl"))
        let done = try await Self.wait(client, created.id)
        #expect(done.state == .expired)
        let answered = try Self.lines(try await client.content(ofFile: try #require(done.outputFileID)))
        let notRun = try Self.lines(try await client.content(ofFile: try #require(done.errorFileID)))
        #expect(answered.count == 3 && notRun.count == 3)
        let failure = try #require(
            notRun.first.flatMap { line -> ItemFailure? in
                if case .failure(let failure) = line.outcome { failure } else { nil }
            })
        #expect(failure.message == "the batch did not run this request (batch_expired): not run")
        #expect(failure.isRetryable && !failure.mayBeBilled)
    }

    @Test func aCancelledBatchEndsCancelled() async throws {
        let server = try LoopbackBatchServer(fault: .neverFinishes, answer: Self.answer)
        defer { server.shutdown() }
        let client = Self.client(server)
        let created = try await client.create(inputFileID: try await client.upload(Self.requests(4), name: "x.jsonl"))
        _ = try await client.status(of: created.id)
        #expect(try await client.cancel(created.id).state == .cancelling)
        let done = try await Self.wait(client, created.id)
        #expect(done.state == .cancelled)
        #expect(server.cancelled == [created.id])
    }

    @Test func aBrokenDownloadIsAnErrorToRetryNotHalfAFile() async throws {
        let server = try LoopbackBatchServer(fault: .brokenDownload, answer: Self.answer)
        defer { server.shutdown() }
        let client = Self.client(server)
        let created = try await client.create(inputFileID: try await client.upload(Self.requests(40), name: "x.jsonl"))
        let done = try await Self.wait(client, created.id)
        let output = try #require(done.outputFileID)
        await #expect(throws: BatchError.self) { try await client.content(ofFile: output) }
        #expect(try Self.lines(try await client.content(ofFile: output)).count == 40)
    }

    @Test func aMissingBatchAPIIsNamed() async throws {
        let server = try LoopbackOpenAIServer { _, _ in .status(404, body: "{\"error\": {\"message\": \"Not Found\"}}")
        }
        defer { server.shutdown() }
        let client = BatchClient(
            baseURL: server.baseURL, keyVariable: "VIGIL_TEST_KEY", key: Secret(OpenAIProviderTests.key))
        do {
            _ = try await client.upload(Self.requests(1), name: "x.jsonl")
            Issue.record("the upload should have failed")
        } catch {
            #expect(
                error.message
                    == "uploading x.jsonl: HTTP 404: the endpoint has no Files/Batches API here (model.batch needs one)"
            )
        }
    }
}
