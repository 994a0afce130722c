import Foundation
import JSONSchema
import Testing
import Vigil

/// One rule for every path a job names (issue 12, defect 10: `glob: /data/sheets/*.jpg`
/// lost its leading slash and `output: {dir: /scratch/runs}` wrote under the job's folder).
@Suite(.timeLimit(.minutes(3))) struct PathResolverTests {
    @Test func resolvesRelativeAbsoluteAndHome() {
        let paths = PathResolver(folder: URL(fileURLWithPath: "/jobs/herbarium"), home: "/home/ana")
        #expect(paths.url("prompts/a.md").path == "/jobs/herbarium/prompts/a.md")
        #expect(paths.url("../shared/a.md").path == "/jobs/shared/a.md")
        #expect(paths.url("/scratch/runs").path == "/scratch/runs")
        #expect(paths.url("~/data/x.jsonl").path == "/home/ana/data/x.jsonl")
        #expect(paths.url("~").path == "/home/ana")
        #expect(paths.url("~other/x").path == "/jobs/herbarium/~other/x")
    }

    @Test func absoluteGlobsAndOutputFoldersAreUsedAsWritten() async throws {
        // The data and the run folders live outside the job's folder, named absolutely.
        let data = try TestEnvironment.temporaryFolder("vigil-abs-data")
        let scratch = try TestEnvironment.temporaryFolder("vigil-abs-scratch")
        try FileManager.default.createDirectory(
            at: data.appendingPathComponent("sheets"), withIntermediateDirectories: true)
        for index in 1...3 {
            try "item \(index)\n".write(
                to: data.appendingPathComponent("sheets/s\(index).txt"), atomically: true, encoding: .utf8)
        }
        let job = try TemporaryJob(items: 1, extractor: TemporaryJob.extractor("answer = {\"n\": n}"), thresholds: "")
        var text = try String(contentsOfFile: job.path, encoding: .utf8)
        text = text.replacingOccurrences(of: "  - glob: items/*.txt", with: "  - glob: \(data.path)/sheets/*.txt")
        text = text.replacingOccurrences(of: "output: { dir: runs }", with: "output: { dir: \(scratch.path)/runs }")
        try text.write(toFile: job.path, atomically: true, encoding: .utf8)

        let validation = JobLoader(purpose: .run).load(job.path)
        #expect(validation.errors.isEmpty, "\(validation.diagnostics)")
        #expect(validation.itemCount == 3)
        let engine = try await job.engine()
        #expect(engine.folder.url.path.hasPrefix(scratch.path + "/runs/test-job/"))
        let summary = await engine.run()
        #expect(summary.counts == RunCounts(total: 3, succeeded: 3, failed: 0))
        let results = try job.lines(engine.folder.results).map { try JSONParser().parse($0) }
        #expect(
            results.compactMap { $0["path"]?.stringValue }.sorted() == (1...3).map { "\(data.path)/sheets/s\($0).txt" })
        #expect(
            !FileManager.default.fileExists(
                atPath: job.folder.appendingPathComponent(String(scratch.path.dropFirst())).path))
    }

    @Test func aMissingAbsoluteFolderIsNamedAsWritten() throws {
        let job = try TemporaryJob(items: 1, extractor: "", thresholds: "")
        var text = try String(contentsOfFile: job.path, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "  - glob: items/*.txt", with: "  - glob: /no-such-vigil-folder/sheets/*.jpg")
        try text.write(toFile: job.path, atomically: true, encoding: .utf8)
        let messages = JobLoader().load(job.path).errors.map(\.message)
        #expect(
            messages.contains { $0.contains("the folder /no-such-vigil-folder/sheets does not exist") }, "\(messages)")
    }
}
