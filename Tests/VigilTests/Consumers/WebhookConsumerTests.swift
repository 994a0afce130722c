import Foundation
import JSONSchema
import Testing
import Vigil

/// The webhook consumer against a real HTTP receiver on 127.0.0.1, through `vigil run`.
@Suite struct WebhookConsumerTests {
    func job(hookFormat: String, events: String) throws -> TemporaryJob {
        try TemporaryJob(
            items: 3, extractor: TemporaryJob.extractor("answer = {\"n\": n}"),
            extra:
                "consumers:\n  - { type: webhook, url_env: VIGIL_TEST_HOOK, format: \(hookFormat), events: [\(events)] }\n",
            thresholds: "")
    }

    func runFolder(_ job: TemporaryJob) throws -> URL {
        let runs = job.folder.appendingPathComponent("runs/test-job")
        return runs.appendingPathComponent(
            try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first))
    }

    @Test func aSlackMessageIsPostedForTheSelectedEvents() throws {
        let receiver = try LoopbackOpenAIServer { _, _ in .status(200, body: "ok") }
        defer { receiver.shutdown() }
        let job = try job(hookFormat: "slack", events: "run.completed")
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path, "--quiet"],
            environment: ["VIGIL_TEST_HOOK": "http://127.0.0.1:\(receiver.port)/services/T0/B0/SECRETPATH"])
        #expect(outcome.status == 0)
        #expect(receiver.requests.count == 1)
        let text = receiver.requests.first?.body?["text"]?.stringValue ?? ""
        #expect(text.hasPrefix("Vigil run ") && text.hasSuffix("completed: 3 of 3 items succeeded (100%)"))
    }

    @Test func aFailingWebhookNeverFailsTheRunAndIsReported() throws {
        let receiver = try LoopbackOpenAIServer { _, _ in .status(500, body: "down") }
        defer { receiver.shutdown() }
        let job = try job(hookFormat: "json", events: "run.started")
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path, "--quiet"],
            environment: ["VIGIL_TEST_HOOK": "http://127.0.0.1:\(receiver.port)/hook/SECRETPATH"])
        #expect(outcome.status == 0)
        #expect(receiver.requests.count == 3)
        #expect(receiver.requests.first?.body?["type"] == "run.started")
        let folder = try runFolder(job)
        let events = try job.lines(folder.appendingPathComponent("events.jsonl")).map { try JSONParser().parse($0) }
        let failure = try #require(events.first { $0["type"] == "consumer.failed" })
        #expect(failure["message"] == "webhook delivery of run.started failed: HTTP 500")
        // The URL is a secret: it appears in no file of the run and in no output.
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            #expect(
                !String(decoding: try Data(contentsOf: folder.appendingPathComponent(name)), as: UTF8.self).contains(
                    "SECRETPATH"), "\(name)")
        }
        #expect(!outcome.standardError.contains("SECRETPATH") && !outcome.standardOutput.contains("SECRETPATH"))
    }
}
