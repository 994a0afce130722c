import Foundation
import JSONSchema
import TestSupport
import Testing
import Vigil

/// `vigil rerun`, `vigil diff`, `vigil run --retry-failed` and the run lock, through the
/// real `vigil` binary.
@Suite(.timeLimit(.minutes(3))) struct RerunTests {
    /// A copy of the repository's jobs/ folder (its runs go beside it, in the copy).
    func demoCopy() throws -> URL {
        let folder = try TestEnvironment.temporaryFolder("vigil-demo")
        let jobs = folder.appendingPathComponent("jobs")
        try FileManager.default.copyItem(at: TestEnvironment.repository.appendingPathComponent("jobs"), to: jobs)
        return jobs
    }

    func runFolders(_ root: URL, job: String) throws -> [URL] {
        let runs = root.appendingPathComponent(job)
        return try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { !$0.hasPrefix(".") }.sorted().map
        { runs.appendingPathComponent($0) }
    }

    func sortedLines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init).sorted()
    }

    @Test func aRerunOfTheDemoGivesByteIdenticalResults() throws {
        let jobs = try demoCopy()
        let first = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", jobs.appendingPathComponent("demo.yaml").path, "--quiet"])
        #expect(first.status == 0, "\(first.standardError)")
        let runs = jobs.deletingLastPathComponent().appendingPathComponent("runs")
        let original = try #require(try runFolders(runs, job: "demo-dwc").first)
        let rerun = try TestEnvironment.run(
            TestEnvironment.vigil, ["rerun", original.appendingPathComponent("manifest.json").path, "--quiet"])
        #expect(rerun.status == 0, "\(rerun.standardError)")
        let folders = try runFolders(runs, job: "demo-dwc")
        #expect(folders.count == 2)
        let reproduced = try #require(folders.first { $0 != original })
        // Ordered by item id, the results are the same bytes.
        let a = try sortedLines(original.appendingPathComponent("results.jsonl"))
        let b = try sortedLines(reproduced.appendingPathComponent("results.jsonl"))
        #expect(a.count == 21)
        #expect(Data(a.joined(separator: "\n").utf8) == Data(b.joined(separator: "\n").utf8))
        let manifest = try JSONParser().parse(Data(contentsOf: reproduced.appendingPathComponent("manifest.json")))
        #expect(manifest["rerun_of"]?["run_id"]?.stringValue == original.lastPathComponent)
        #expect(
            manifest["job"]?["path"]?.stringValue == jobs.appendingPathComponent("demo.yaml").standardizedFileURL.path)

        let same = try TestEnvironment.run(TestEnvironment.vigil, ["diff", original.path, reproduced.path])
        #expect(same.status == 0, "\(same.standardOutput)")
        #expect(
            same.standardOutput.contains("pins: the same job, prompt, success schema, model, inputs and Vigil version"))
        #expect(same.standardOutput.contains("items: 24 same outcome, 0 different result"))

        // One changed result: diff says which item and which field, and exits 1.
        let results = reproduced.appendingPathComponent("results.jsonl")
        let text = try String(contentsOf: results, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.contains("label-002.txt") })
        try text.replacing(line, with: line.replacing("\"Canada\"", with: "\"Kanada\"")).write(
            to: results, atomically: true, encoding: .utf8)
        let different = try TestEnvironment.run(TestEnvironment.vigil, ["diff", original.path, reproduced.path])
        #expect(different.status == 1)
        #expect(
            different.standardOutput.contains("data/labels/label-002.txt: country \"Canada\" -> \"Kanada\""),
            "\(different.standardOutput)")
    }

    @Test func aRerunRefusesOnDriftWithAPreciseDiffUnlessAllowed() throws {
        let jobs = try demoCopy()
        let job = jobs.appendingPathComponent("demo.yaml")
        #expect(try TestEnvironment.run(TestEnvironment.vigil, ["run", job.path, "--quiet"]).status == 0)
        let runs = jobs.deletingLastPathComponent().appendingPathComponent("runs")
        let original = try #require(try runFolders(runs, job: "demo-dwc").first)
        let label = jobs.appendingPathComponent("data/labels/label-007.txt")
        let sent = FileDigest.sha256(of: Array(try Data(contentsOf: label)))
        try "changed\n".write(to: label, atomically: true, encoding: .utf8)
        let now = FileDigest.sha256(of: Array("changed\n".utf8))
        let refused = try TestEnvironment.run(TestEnvironment.vigil, ["rerun", original.path, "--quiet"])
        #expect(refused.status == 7)
        // The digests are the bytes the run sent and the bytes there now (the first 12 hex digits of each).
        #expect(
            refused.standardError.contains(
                "error: the run's pins have drifted:\n  input data/labels/label-007.txt changed since the run sent it: sha256 \(sent.prefix(12)).. -> \(now.prefix(12)).."
            ),
            "\(refused.standardError)")
        #expect(refused.standardError.contains("nothing was run"))
        #expect(try runFolders(runs, job: "demo-dwc").count == 1)

        let allowed = try TestEnvironment.run(
            TestEnvironment.vigil, ["rerun", original.path, "--allow-drift", "--quiet"])
        #expect([0, 3].contains(allowed.status), "\(allowed.standardError)")
        let reproduced = try #require(try runFolders(runs, job: "demo-dwc").first { $0 != original })
        let manifest = try JSONParser().parse(Data(contentsOf: reproduced.appendingPathComponent("manifest.json")))
        #expect(
            manifest["drift"]?.arrayValue?.first?.stringValue?.hasPrefix(
                "input data/labels/label-007.txt changed since the run sent it: sha256") == true)
    }

    @Test func retryFailedRunsOnlyTheFailedItemsAsANewLinkedRun() throws {
        // Items fail while the file "broken" exists.
        let job = try TemporaryJob(
            items: 12,
            extractor: TemporaryJob.extractor(
                "import os\nbroken = os.path.exists(os.path.join(os.path.dirname(__file__), 'broken'))\nanswer = {\"n\": 0 if broken and n % 4 == 0 else n}"
            ),
            thresholds: "")
        try "".write(to: job.folder.appendingPathComponent("broken"), atomically: true, encoding: .utf8)
        let first = try TestEnvironment.run(TestEnvironment.vigil, ["run", job.path, "--quiet"])
        #expect(first.status == 0, "\(first.standardError)")
        let runs = job.folder.appendingPathComponent("runs")
        let original = try #require(try runFolders(runs, job: "test-job").first)
        try FileManager.default.removeItem(at: job.folder.appendingPathComponent("broken"))

        let retry = try TestEnvironment.run(TestEnvironment.vigil, ["run", "--retry-failed", original.path, "--quiet"])
        #expect(retry.status == 0, "\(retry.standardError)")
        let folder = try #require(try runFolders(runs, job: "test-job").first { $0 != original })
        let ids = try sortedLines(folder.appendingPathComponent("results.jsonl")).map {
            try JSONParser().parse($0)["id"]?.stringValue ?? ""
        }
        #expect(ids == ["items/item-004.txt", "items/item-008.txt", "items/item-012.txt"])
        let manifest = try JSONParser().parse(Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        #expect(manifest["retry_of"]?["run_id"]?.stringValue == original.lastPathComponent)
        #expect(manifest["counts"]?["total"] == 3)

        // A retry of a run with no failures has nothing to do.
        let none = try TestEnvironment.run(TestEnvironment.vigil, ["run", "--retry-failed", folder.path, "--quiet"])
        #expect(none.status == 0)
        #expect(none.standardError.contains("has no failed items; nothing to retry"))
    }

    @Test func aLiveRunCannotBeResumedByAnotherProcess() throws {
        let job = try TemporaryJob(
            items: 20, extractor: TemporaryJob.extractor("time.sleep(5)\nanswer = {\"n\": n}"), thresholds: "")
        let process = ChildProcess()
        process.executableURL = TestEnvironment.vigil
        process.arguments = ["run", job.path, "--quiet"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            process.send(SIGKILL)
            process.waitUntilExit()
        }
        let runs = job.folder.appendingPathComponent("runs")
        var folder: URL?
        for _ in 0..<400 where folder == nil {
            folder = try? runFolders(runs, job: "test-job").first
            usleep(25_000)
        }
        let live = try #require(folder)
        let second = try TestEnvironment.run(TestEnvironment.vigil, ["resume", live.path, "--quiet"])
        #expect(second.status == 2)
        #expect(
            second.standardError.contains("is still running (process \(process.processIdentifier) holds"),
            "\(second.standardError)")
        #expect(process.isRunning)
    }
}

/// Each kind of drift a rerun checks, caught on its own.
@Suite(.timeLimit(.minutes(3))) struct PinCheckTests {
    static let key = ["VIGIL_TEST_KEY": "sk-test"]

    enum Change: CaseIterable {
        case prompt, inputChanged, inputAdded, inputRemoved, modelParameters, jobFile, successSchema, toolVersion
    }

    /// A recorded run (engine created, nothing sent) of an OpenAI-provider job, then `change`.
    func drift(after change: Change) async throws -> [Drift] {
        let model =
            "model:\n  provider: openai\n  base_url: http://127.0.0.1:9/v1\n  name: m\n  api_key_env: VIGIL_TEST_KEY\n  parameters: { temperature: 0 }"
        let job = try TemporaryJob(items: 4, extractor: "", model: model, thresholds: "")
        let engine = try await job.engine(
            environment: Self.key, provider: change == .inputChanged ? AnsweringProvider() : nil)
        let folder = job.folder
        func edit(_ name: String, _ transform: (String) -> String) throws {
            let url = folder.appendingPathComponent(name)
            try transform(try String(contentsOf: url, encoding: .utf8)).write(
                to: url, atomically: true, encoding: .utf8)
        }
        switch change {
        case .prompt: try edit("prompt.md") { $0 + "Be brief.\n" }
        case .inputChanged:
            // A file is pinned by the sha256 of the bytes the run sent: send them first.
            _ = await engine.run()
            try edit("items/item-002.txt") { _ in "item 200\n" }
        case .inputAdded:
            try "item 5\n".write(
                to: folder.appendingPathComponent("items/item-005.txt"), atomically: true, encoding: .utf8)
        case .inputRemoved: try FileManager.default.removeItem(at: folder.appendingPathComponent("items/item-003.txt"))
        case .modelParameters: try edit("job.yaml") { $0.replacing("temperature: 0 }", with: "temperature: 0.7 }") }
        case .jobFile:
            try edit("job.yaml") { $0.replacing("name: test-job\n", with: "name: test-job\ndescription: edited\n") }
        case .successSchema: try edit("schema.json") { $0.replacing("\"minimum\": 1", with: "\"minimum\": 2") }
        case .toolVersion:
            try edit("runs/test-job/\(engine.folder.url.lastPathComponent)/manifest.json") {
                $0.replacing("\"version\":\"\(VigilVersion.current)\"", with: "\"version\":\"0.0.9\"")
            }
        }
        let recorded = try RecordedRun(at: engine.folder.url.path)
        let spec = try #require(recorded.loadJob(environment: Self.key).job)
        return PinCheck.drift(of: recorded, job: spec, for: .rerun)
    }

    @Test(arguments: Change.allCases) func eachDriftIsCaught(_ change: Change) async throws {
        let drift = try await drift(after: change)
        let lines = drift.map(\.message)
        func has(_ kind: Drift.Kind, _ pattern: String) -> Bool {
            drift.contains { $0.kind == kind && $0.message.contains(pattern) }
        }
        switch change {
        case .prompt:
            #expect(drift.count == 1 && has(.prompt, "prompt.md changed since the run: sha256 "), "\(lines)")
        case .inputChanged:
            #expect(
                drift.count == 1 && has(.input, "input items/item-002.txt changed since the run sent it: sha256 "),
                "\(lines)")
        case .inputAdded:
            #expect(drift.count == 1 && has(.input, "input items/item-005.txt was added since the run"), "\(lines)")
        case .inputRemoved:
            #expect(drift.count == 1 && has(.input, "input items/item-003.txt was removed since the run"), "\(lines)")
        case .modelParameters:
            #expect(
                drift.count == 2 && has(.job, "job.yaml changed since the run")
                    && has(.model, "model.parameters.temperature 0 -> 0.7"), "\(lines)")
        case .jobFile:
            #expect(
                drift.count == 2 && has(.job, "job.yaml changed since the run")
                    && has(.job, "description (absent) -> \"edited\""), "\(lines)")
        case .successSchema:
            #expect(drift.count == 1 && has(.schema, "schema.json changed since the run"), "\(lines)")
        case .toolVersion:
            #expect(
                drift.count == 1 && has(.tool, "Vigil 0.0.9 made the run; this is Vigil \(VigilVersion.current)"),
                "\(lines)")
        }
    }

    @Test func anUntouchedRunHasNoDrift() async throws {
        let job = try TemporaryJob(items: 3, extractor: TemporaryJob.extractor("answer = {\"n\": n}"), thresholds: "")
        let engine = try await job.engine()
        let recorded = try RecordedRun(at: engine.folder.manifest.path)
        #expect(PinCheck.drift(of: recorded, job: try #require(recorded.loadJob().job), for: .rerun).isEmpty)
    }
}

/// Answers every item at once, for a recorded run whose items must have been sent.
struct AnsweringProvider: ModelProvider {
    var description: String { "answering" }
    func answer(_ request: ItemRequest) async throws(ItemFailure) -> ProviderAnswer {
        ProviderAnswer(text: "{\"n\": 1}")
    }
}
