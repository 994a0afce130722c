import Foundation
import JSONSchema
import TestSupport
import Testing
import Vigil

/// `vigil run` of a `model.batch` job killed with SIGKILL while it waits on its batch, then
/// `vigil resume`: the resume re-attaches to the recorded batch (or finds it at the endpoint
/// when the kill came before its id was recorded) and the server sees every request once.
@Suite(.serialized) struct BatchCommandTests {
    static let environment = ["VIGIL_TEST_KEY": OpenAIProviderTests.key]

    func runFolder(of job: TemporaryJob) -> URL? {
        let runs = job.folder.appendingPathComponent("runs/test-job")
        guard
            let name = try? FileManager.default.contentsOfDirectory(atPath: runs.path).first(where: {
                !$0.hasPrefix(".")
            })
        else { return nil }
        return runs.appendingPathComponent(name)
    }

    /// - Parameter forgetsBatch: the batch's line is taken out of batches.jsonl before the
    ///   resume, as if the kill had come between creating the batch and recording its id.
    func killWhilePollingThenResume(forgetsBatch: Bool) async throws {
        let server = try LoopbackBatchServer(answer: BatchRunTests.good)
        defer { server.shutdown() }
        // The batch stays in progress until the kill, however slowly this test is scheduled.
        server.hold(true)
        let job = try BatchRunTests.job(server, items: 12, canary: 2, batch: "{ poll_interval: 100ms }")
        let process = try TestEnvironment.start(["run", job.path, "--quiet"], environment: Self.environment)
        // However this test ends, the run does not outlive it.
        defer { if process.isRunning { process.send(SIGKILL) } }
        var folder: URL?
        let deadline = Date().addingTimeInterval(Waiting.patience)
        while Date() < deadline && process.isRunning {
            if let found = runFolder(of: job),
                let journal = try? String(contentsOf: found.appendingPathComponent("batches.jsonl"), encoding: .utf8),
                journal.contains(#""type":"batch""#)
            {
                folder = found
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let run = try #require(folder, "the run never recorded a batch")
        process.send(SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(server.batchIDs.count == 1)
        server.hold(false)
        let journalURL = run.appendingPathComponent("batches.jsonl")
        if forgetsBatch {
            let kept = try String(contentsOf: journalURL, encoding: .utf8).split(separator: "\n").filter {
                !$0.contains(#""type":"batch""#)
            }
            try (kept.joined(separator: "\n") + "\n").write(to: journalURL, atomically: true, encoding: .utf8)
        }

        let resumed = try TestEnvironment.run(
            TestEnvironment.vigil, ["resume", run.path, "--quiet"], environment: Self.environment)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        try BatchRunTests.expectEveryItemOnce(RunFolder(url: run, runID: run.lastPathComponent), items: 12)
        // Every request of the batch was submitted once: the resume waited on it, sent nothing.
        #expect(server.batchIDs.count == 1)
        #expect(server.submitted.count == 10)
        #expect(server.submitted.values.allSatisfy { $0 == 1 })
        #expect(server.liveRequests == 2)
        let journal = try BatchJournal(url: journalURL)
        #expect(journal.files.count == 1 && journal.files[0].batch != nil && journal.files[0].ended == "completed")
    }

    @Test func killedWhileWaitingOnItsBatchAResumeReattaches() async throws {
        try await killWhilePollingThenResume(forgetsBatch: false)
    }

    @Test func killedBeforeTheBatchIdWasRecordedAResumeFindsItAtTheEndpoint() async throws {
        try await killWhilePollingThenResume(forgetsBatch: true)
    }

    @Test func cancelRefusesARunWithoutBatches() async throws {
        let job = try TemporaryJob(items: 3, extractor: TemporaryJob.extractor("answer = {\"n\": n}"))
        let run = try TestEnvironment.run(TestEnvironment.vigil, ["run", job.path, "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        let folder = try #require(runFolder(of: job))
        let cancel = try TestEnvironment.run(TestEnvironment.vigil, ["cancel", folder.path])
        #expect(cancel.status == 2)
        #expect(cancel.standardError.contains("does not use model.batch: it has no provider batches to cancel"))
    }
}
