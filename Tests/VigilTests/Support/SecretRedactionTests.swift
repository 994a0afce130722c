import Foundation
import JSONSchema
import Testing
import Vigil

/// A secret the run holds is masked in everything Vigil writes, whatever carried it there
/// (issue 12, defect 9: an endpoint that quotes the key in its 401 message put the whole
/// key into failed.jsonl and events.jsonl).
@Suite(.timeLimit(.minutes(3))) struct SecretRedactionTests {
    static let key = "sk-proj-LEAKCANARY-0123456789abcdef"

    @Test func anEndpointThatQuotesTheKeyDoesNotPutItInAnyFile() async throws {
        // OpenAI's own wording for a wrong key, and a 400 that echoes it too.
        let server = try LoopbackOpenAIServer { number, _ in
            let message =
                #"{"error": {"message": "Incorrect API key provided: \#(Self.key). You can find your API key at https://platform.openai.com/account/api-keys."}}"#
            return number == 1 ? .status(400, body: message) : .status(401, body: message)
        }
        defer { server.shutdown() }
        let job = try TemporaryJob(
            items: 3, extractor: "", model: OpenAIProviderTests.model(server), thresholds: "", concurrency: 1)
        let engine = try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])
        _ = await engine.run()
        #expect(server.requests.count == 2)
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: engine.folder.url.path) {
            let text = String(
                decoding: try Data(contentsOf: engine.folder.url.appendingPathComponent(name)), as: UTF8.self)
            #expect(!text.contains("LEAKCANARY"), "\(name) holds the key")
            checked += 1
        }
        #expect(checked >= 6)
        // The failure is still explained, with the key masked in the endpoint's message.
        let failed = try job.lines(engine.folder.failed).map { try JSONParser().parse($0) }
        #expect(failed.first?["message"]?.stringValue?.contains("Incorrect API key provided: <REDACTED>") == true)
    }

    /// What a run's consumers receive carries no key either: a command consumer's input, a
    /// webhook's bodies and an OpenTelemetry export (span attributes, status messages, every byte).
    @Test func anEndpointThatQuotesTheKeyDoesNotPutItInAnyConsumersHands() throws {
        let message =
            #"{"error": {"message": "Incorrect API key provided: \#(Self.key). You can find your API key at https://platform.openai.com/account/api-keys."}}"#
        // Item 1: a 400 that quotes the key (the item fails); item 2: a 401 that quotes it (the run stops).
        let server = try LoopbackOpenAIServer { number, _ in
            number == 1 ? .status(400, body: message) : .status(401, body: message)
        }
        defer { server.shutdown() }
        let hook = try LoopbackOpenAIServer { _, _ in .status(200, body: "ok") }
        defer { hook.shutdown() }
        let receiver = try LoopbackOTLPReceiver()
        defer { receiver.shutdown() }
        let consumers = """
            consumers:
              - { type: command, command: [sh, -c, "cat >> consumer-input.jsonl"] }
              - { type: webhook, url_env: VIGIL_TEST_HOOK, format: json, events: [item.failed, run.failed, run.aborted, run.completed] }
              - { type: opentelemetry }

            """
        let job = try TemporaryJob(
            items: 3, extractor: "", model: OpenAIProviderTests.model(server), extra: consumers, thresholds: "",
            concurrency: 1)
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path, "--quiet"],
            environment: [
                "VIGIL_TEST_KEY": Self.key, "VIGIL_TEST_HOOK": "http://127.0.0.1:\(hook.port)/hook",
                "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            ])
        #expect(outcome.status != 0, "the run did not stop on the 401")
        #expect(server.requests.count == 2)

        // Each consumer got the failures, with the endpoint's words and the key masked.
        let input = try String(contentsOf: job.folder.appendingPathComponent("consumer-input.jsonl"), encoding: .utf8)
        #expect(input.contains("Incorrect API key provided: <REDACTED>"), "\(input)")
        #expect(!input.contains("LEAKCANARY"), "the command consumer's input holds the key")

        let bodies = hook.requests.compactMap { request in
            request.body.map { body in
                var writer = JSONWriter()
                writer.value(body)
                return writer.text
            }
        }
        #expect(bodies.count >= 2, "\(bodies)")
        #expect(bodies.contains { $0.contains("Incorrect API key provided: <REDACTED>") }, "\(bodies)")
        #expect(bodies.allSatisfy { !$0.contains("LEAKCANARY") }, "a webhook body holds the key")

        let spans = receiver.spans
        #expect(
            spans.contains { $0.statusMessage.contains("Incorrect API key provided: <REDACTED>") },
            "\(spans.map(\.statusMessage))")
        for span in spans {
            #expect(!span.statusMessage.contains("LEAKCANARY"), "span \(span.name)'s status holds the key")
            #expect(
                span.attributes.values.allSatisfy { !$0.contains("LEAKCANARY") },
                "span \(span.name)'s attributes hold the key")
        }
        let exported = receiver.bodies
        #expect(!exported.isEmpty)
        #expect(
            exported.allSatisfy { $0.firstRange(of: Array("LEAKCANARY".utf8)) == nil }, "an OTLP export holds the key")
    }

    @Test func theCommandLineNeverPrintsTheKey() throws {
        let server = try LoopbackOpenAIServer { _, _ in
            .status(401, body: #"{"error": {"message": "Incorrect API key provided: \#(Self.key)."}}"#)
        }
        defer { server.shutdown() }
        let job = try TemporaryJob(
            items: 2, extractor: "", model: OpenAIProviderTests.model(server), extra: "consumers: [progress, log]\n",
            thresholds: "")
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path], environment: ["VIGIL_TEST_KEY": Self.key])
        #expect(outcome.status == 3)
        #expect(!outcome.standardError.contains("LEAKCANARY") && !outcome.standardOutput.contains("LEAKCANARY"))
    }

    @Test func masksEveryOccurrenceAndItsJSONForm() {
        _ = Secret("https://hooks.example/T0/\"quoted\"/REDACTME")
        let text =
            #"a https://hooks.example/T0/"quoted"/REDACTME b {"u":"https://hooks.example/T0/\"quoted\"/REDACTME"} c"#
        #expect(Redaction.masked(text) == #"a <REDACTED> b {"u":"<REDACTED>"} c"#)
        // Short values would mask ordinary words: they are not registered.
        _ = Secret("abc")
        #expect(Redaction.masked("abc abc") == "abc abc")
    }
}
