import Foundation
import JSONSchema
import Testing
import Vigil

/// A secret the run holds is masked in everything Vigil writes, whatever carried it there
/// (issue 12, defect 9: an endpoint that quotes the key in its 401 message put the whole
/// key into failed.jsonl and events.jsonl).
@Suite struct SecretRedactionTests {
    static let key = "sk-proj-LEAKCANARY-0123456789abcdef"

    @Test func anEndpointThatQuotesTheKeyDoesNotPutItInAnyFile() async throws {
        // OpenAI's own wording for a wrong key, and a 400 that echoes it too.
        let server = try LoopbackOpenAIServer { number, _ in
            let message = #"{"error": {"message": "Incorrect API key provided: \#(Self.key). You can find your API key at https://platform.openai.com/account/api-keys."}}"#
            return number == 1 ? .status(400, body: message) : .status(401, body: message)
        }
        defer { server.shutdown() }
        let job = try TemporaryJob(items: 3, extractor: "", model: OpenAIProviderTests.model(server), thresholds: "", concurrency: 1)
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])
        _ = await engine.run()
        #expect(server.requests.count == 2)
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: engine.folder.url.path) {
            let text = String(decoding: try Data(contentsOf: engine.folder.url.appendingPathComponent(name)), as: UTF8.self)
            #expect(!text.contains("LEAKCANARY"), "\(name) holds the key")
            checked += 1
        }
        #expect(checked >= 6)
        // The failure is still explained, with the key masked in the endpoint's message.
        let failed = try job.lines(engine.folder.failed).map { try JSONParser().parse($0) }
        #expect(failed.first?["message"]?.stringValue?.contains("Incorrect API key provided: <REDACTED>") == true)
    }

    @Test func theCommandLineNeverPrintsTheKey() throws {
        let server = try LoopbackOpenAIServer { _, _ in
            .status(401, body: #"{"error": {"message": "Incorrect API key provided: \#(Self.key)."}}"#)
        }
        defer { server.shutdown() }
        let job = try TemporaryJob(items: 2, extractor: "", model: OpenAIProviderTests.model(server), extra: "consumers: [progress, log]\n", thresholds: "")
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["run", job.path], environment: ["VIGIL_TEST_KEY": Self.key])
        #expect(outcome.status == 3)
        #expect(!outcome.standardError.contains("LEAKCANARY") && !outcome.standardOutput.contains("LEAKCANARY"))
    }

    @Test func masksEveryOccurrenceAndItsJSONForm() {
        _ = Secret("https://hooks.example/T0/\"quoted\"/REDACTME")
        let text = #"a https://hooks.example/T0/"quoted"/REDACTME b {"u":"https://hooks.example/T0/\"quoted\"/REDACTME"} c"#
        #expect(Redaction.masked(text) == #"a <REDACTED> b {"u":"<REDACTED>"} c"#)
        // Short values would mask ordinary words: they are not registered.
        _ = Secret("abc")
        #expect(Redaction.masked("abc abc") == "abc abc")
    }
}
