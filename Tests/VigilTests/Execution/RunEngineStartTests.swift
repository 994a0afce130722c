import Foundation
import Testing
import Vigil

/// An engine opens nothing until it starts, and a start that cannot open what the run needs
/// says what and where, and runs nothing.
@Suite(.timeLimit(.minutes(3))) struct RunEngineStartTests {
    static func prepared(_ job: TemporaryJob) async throws -> (JobSpec, RunSetup) {
        let spec = try #require(JobLoader(purpose: .run).load(job.path).job)
        return (spec, try await RunSetup.newRun(of: spec))
    }

    @Test func anEngineOpensNothingUntilItStarts() async throws {
        let job = try TemporaryJob(items: 3, extractor: TemporaryJob.extractor("answer = {\"n\": n}"), thresholds: "")
        let (spec, setup) = try await Self.prepared(job)
        let engine = try RunEngine(job: spec, setup: setup)
        let folder = engine.folder
        for file in [folder.events, folder.results, folder.failed] {
            #expect(!FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent) was opened by init")
        }
        try engine.start()
        for file in [folder.events, folder.results, folder.failed] {
            #expect(
                FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent) was not opened by start")
        }
        let summary = await engine.run()
        #expect(summary.status == .completed && summary.counts.succeeded == 3)
    }

    @Test func aStartThatCannotOpenTheLogSaysWhereAndRunsNothing() async throws {
        let job = try TemporaryJob(items: 3, extractor: TemporaryJob.extractor("answer = {\"n\": n}"), thresholds: "")
        let (spec, setup) = try await Self.prepared(job)
        // The log's place is taken by a folder: it cannot be opened for appending.
        try FileManager.default.createDirectory(at: setup.folder.events, withIntermediateDirectories: false)
        let engine = try RunEngine(job: spec, setup: setup)
        do {
            try engine.start()
            Issue.record("start() opened a log that is a folder")
        } catch {
            #expect(error.description.contains("cannot start the run in \(setup.folder.url.path)"), "\(error)")
            #expect(error.description.contains("events.jsonl"), "\(error)")
            #expect(error.description.contains("vigil resume \(setup.folder.url.path)"), "\(error)")
            #expect(error.exitStatus == .internalError)
        }
        // run() without a start that worked: the run ends as interrupted, with why, and sends nothing.
        let summary = await engine.run()
        #expect(summary.status == .interrupted)
        #expect(summary.interruption?.contains("cannot start the run") == true)
        #expect(summary.counts.completed == 0)
        #expect(!FileManager.default.fileExists(atPath: setup.folder.results.path))
    }
}
