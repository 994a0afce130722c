import Foundation
import JSONSchema
import TestSupport
import Testing
import Vigil

/// Drift through the command line: `resume`, `rerun` and `run --retry-failed` exit 7 when
/// something the run pinned changed, and nothing runs; a file touched, or copied over itself,
/// with the same bytes is no drift.
@Suite(.serialized) struct DriftCommandTests {
    /// Items 1-4 answer at once; 5-8 wait for the file "release". Item 3 fails (n = 0).
    static func job() throws -> TemporaryJob {
        try TemporaryJob(
            items: 8,
            extractor: TemporaryJob.extractor(
                "while n > 4 and not os.path.exists(os.path.join(os.path.dirname(__file__), \"release\")): time.sleep(0.02)\nanswer = {\"n\": 0 if n == 3 else n}",
                persistent: true),
            mode: "persistent", thresholds: "", concurrency: 2)
    }

    static func vigil(_ arguments: [String]) throws -> TestEnvironment.Outcome {
        try TestEnvironment.run(TestEnvironment.vigil, arguments + ["--quiet"])
    }

    static func item(_ job: TemporaryJob, _ number: Int) -> URL {
        job.folder.appendingPathComponent(String(format: "items/item-%03d.txt", number))
    }

    static func runFolders(_ job: TemporaryJob) throws -> [URL] {
        let runs = job.folder.appendingPathComponent("runs/test-job")
        return try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { !$0.hasPrefix(".") }.sorted().map
        { runs.appendingPathComponent($0) }
    }

    static func lineCount(_ url: URL) throws -> Int {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count
    }

    /// A run killed (SIGKILL) once items 1-4 have ended, with 5-8 waiting: its folder.
    static func killedRun(_ job: TemporaryJob) async throws -> URL {
        let process = try TestEnvironment.start(["run", job.path, "--quiet"])
        defer { if process.isRunning { process.send(SIGKILL) } }
        var folder: URL?
        try await Waiting.until("items 1-4 ended") {
            folder = try? runFolders(job).first
            guard let folder else { return false }
            let ended =
                ((try? lineCount(folder.appendingPathComponent("results.jsonl"))) ?? 0)
                + ((try? lineCount(folder.appendingPathComponent("failed.jsonl"))) ?? 0)
            return ended == 4 || !process.isRunning
        }
        #expect(process.isRunning, "the run ended before it was killed")
        process.send(SIGKILL)
        process.waitUntilExit()
        return try #require(folder)
    }

    /// Same bytes, a new modification time (10 s on, so the stamp surely changes).
    static func touch(_ url: URL) throws {
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(10)], ofItemAtPath: url.path)
    }

    /// Same bytes, a new file: copied aside and moved back over itself (a new inode and time).
    static func copyInPlace(_ url: URL) throws {
        let aside = url.appendingPathExtension("copy")
        try FileManager.default.copyItem(at: url, to: aside)
        try touch(aside)
        #expect(rename(aside.path, url.path) == 0, "rename: errno \(errno)")
    }

    @Test func resumeExits7WhenAListedInputChangedAndRunsNothing() async throws {
        let job = try Self.job()
        let run = try await Self.killedRun(job)
        // Item 6 was never sent; its size is part of the run's input set.
        try "item 6, edited\n".write(to: Self.item(job, 6), atomically: true, encoding: .utf8)
        try Data().write(to: job.folder.appendingPathComponent("release"))
        let refused = try Self.vigil(["resume", run.path])
        #expect(refused.status == 7, "\(refused.standardError)")
        #expect(
            refused.standardError.contains(
                "input items/item-006.txt changed since the run listed it (size 7 -> 15 bytes"),
            "\(refused.standardError)")
        #expect(try Self.lineCount(run.appendingPathComponent("results.jsonl")) == 3, "the refused resume ran items")
    }

    @Test func resumeGoesOnWhenFilesWereOnlyTouchedOrCopiedInPlace() async throws {
        let job = try Self.job()
        let run = try await Self.killedRun(job)
        try Self.touch(Self.item(job, 2))  // sent
        try Self.copyInPlace(Self.item(job, 1))  // sent
        try Self.touch(Self.item(job, 6))  // not sent yet
        try Self.copyInPlace(Self.item(job, 7))  // not sent yet
        try Self.touch(job.folder.appendingPathComponent("prompt.md"))
        try Data().write(to: job.folder.appendingPathComponent("release"))
        let resumed = try Self.vigil(["resume", run.path])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(try Self.lineCount(run.appendingPathComponent("results.jsonl")) == 7)
        #expect(try Self.lineCount(run.appendingPathComponent("failed.jsonl")) == 1)
    }

    @Test func rerunExits7WhenThePromptChangedAndNotWhenItWasTouched() throws {
        let job = try Self.job()
        try Data().write(to: job.folder.appendingPathComponent("release"))
        #expect(try Self.vigil(["run", job.path]).status == 0)
        let original = try #require(try Self.runFolders(job).first)
        let manifest = original.appendingPathComponent("manifest.json").path

        try Self.touch(job.folder.appendingPathComponent("prompt.md"))
        try Self.copyInPlace(Self.item(job, 5))
        let touched = try Self.vigil(["rerun", manifest])
        #expect(touched.status == 0, "\(touched.standardError)")
        #expect(try Self.runFolders(job).count == 2)

        try "Answer with any JSON.\n".write(
            to: job.folder.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        let refused = try Self.vigil(["rerun", manifest])
        #expect(refused.status == 7, "\(refused.standardError)")
        #expect(
            refused.standardError.contains(
                "prompt file \(job.folder.appendingPathComponent("prompt.md").path) changed since the run: sha256"),
            "\(refused.standardError)")
        #expect(refused.standardError.contains("nothing was run"))
        #expect(try Self.runFolders(job).count == 2)
    }

    @Test func retryFailedExits7WhenAFailedInputChangedAndNotWhenItWasCopiedInPlace() throws {
        let job = try Self.job()
        try Data().write(to: job.folder.appendingPathComponent("release"))
        #expect(try Self.vigil(["run", job.path]).status == 0)
        let original = try #require(try Self.runFolders(job).first)

        try Self.copyInPlace(Self.item(job, 3))
        try Self.touch(Self.item(job, 4))
        let retried = try Self.vigil(["run", "--retry-failed", original.path])
        // Item 3 fails again (the extractor still answers n = 0): a finished run with no success.
        #expect(retried.status == 5, "\(retried.standardError)")
        #expect(try Self.runFolders(job).count == 2)

        try "item 3, edited\n".write(to: Self.item(job, 3), atomically: true, encoding: .utf8)
        let refused = try Self.vigil(["run", "--retry-failed", original.path])
        #expect(refused.status == 7, "\(refused.standardError)")
        #expect(
            refused.standardError.contains("input items/item-003.txt changed since the run sent it: sha256"),
            "\(refused.standardError)")
        #expect(try Self.runFolders(job).count == 2)
    }
}
