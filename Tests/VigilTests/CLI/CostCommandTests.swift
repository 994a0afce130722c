import Foundation
import JSONSchema
import TestSupport
import Testing
import Vigil

/// What a person sees of cost: `vigil run --canary`, a budget's verdict, `vigil resume
/// --max-cost`, `vigil plan` and `vigil diff`, through the built binary against a loopback
/// endpoint that bills.
@Suite struct CostCommandTests {
    func vigil(_ arguments: [String], in job: TemporaryJob) throws -> TestEnvironment.Outcome {
        try TestEnvironment.run(
            TestEnvironment.vigil, arguments, currentDirectory: job.folder, environment: BudgetTests.environment)
    }

    /// The run folder a `vigil run` announced ("run ID: N items -> FOLDER").
    func folder(_ outcome: TestEnvironment.Outcome) throws -> String {
        let line = try #require(
            outcome.standardError.split(separator: "\n").first { $0.hasPrefix("run ") && $0.contains(" -> ") })
        return String(line[line.range(of: " -> ")!.upperBound...])
    }

    @Test func canaryVerdictResumeAndDiff() throws {
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        let budget = BudgetTests.itemCost * 5
        let job = try TemporaryJob(
            items: 9, extractor: "", model: endpoint.model, extra: "budget: { max_cost: \(budget.decimalText) }\n",
            thresholds: "", concurrency: 2)

        let plan = try vigil(["plan", "job.yaml"], in: job)
        #expect(plan.standardOutput.contains("pricing: $1.00 input, $4.00 output per million tokens"))
        #expect(
            plan.standardOutput.contains(
                "budget: max_cost \(budget); each request reserves its input estimate plus up to $0.0008 of output (max_tokens 200) before it is sent"
            ))

        let canary = try vigil(["run", "job.yaml", "--canary", "4"], in: job)
        #expect(canary.status == 0, "\(canary.standardError)")
        #expect(canary.standardError.contains("projection for all 9 items (from 4 canary items; 95% range):"))
        #expect(
            canary.standardError.contains(
                "  budget    max_cost \(budget) does not cover it: the run would stop as aborted after about 5 of 9 items"
            ))
        #expect(canary.standardError.contains("cost: \(BudgetTests.itemCost * 4) spent of budget.max_cost \(budget)"))
        let canaryFolder = try folder(canary)
        let canaryManifest = try JSONParser().parse(
            Data(contentsOf: URL(fileURLWithPath: canaryFolder + "/manifest.json")))
        #expect(canaryManifest["cost"]?["projection"]?["budget_covers"] == "no")

        let run = try vigil(["run", "job.yaml"], in: job)
        #expect(run.status == 3)
        #expect(
            run.standardError.contains(
                "ABORTED: the budget is exhausted: \(budget) spent of budget.max_cost \(budget);"))
        #expect(run.standardError.contains("; 4 items were not sent. 5 of 9 items were processed."))
        let runFolder = try folder(run)
        #expect(
            run.standardError.contains(
                "To send the rest under a higher cap (what was spent counts against it): vigil resume \(runFolder) --max-cost USD"
            ))

        // Resuming without a higher cap is refused, saying how.
        let refused = try vigil(["resume", runFolder], in: job)
        #expect(refused.status == 2)
        #expect(refused.standardError.contains("stopped at its budget"))
        #expect(refused.standardError.contains("vigil resume RUN_DIR --max-cost USD"))

        let resumed = try vigil(["resume", runFolder, "--max-cost", (BudgetTests.itemCost * 9).decimalText], in: job)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(
            resumed.standardError.contains(
                "the rest of the run is capped by budget.max_cost \(BudgetTests.itemCost * 9); \(budget) is spent already"
            ))
        let manifest = try JSONParser().parse(Data(contentsOf: URL(fileURLWithPath: runFolder + "/manifest.json")))
        #expect(manifest["counts"]?["succeeded"] == 9)
        #expect(Spend(json: manifest["cost"])?.charged == BudgetTests.itemCost * 9)
        #expect(manifest["resumes"]?.arrayValue?.first?["budget"]?["max_cost"] != nil)
        #expect(endpoint.answered == 4 + 9)

        let diff = try vigil(["diff", canaryFolder, runFolder], in: job)
        #expect(
            diff.standardOutput.contains(
                "cost: A \(BudgetTests.itemCost * 4) (\(BudgetTests.itemCost) per item), B \(BudgetTests.itemCost * 9) (\(BudgetTests.itemCost) per item), +0% per item"
            ), "\(diff.standardOutput)")
    }

    /// The shipped example against the shipped mock endpoint (on a free port): the canary
    /// projects, and a budget too small for the run stops it with the verdict.
    @Test func thePricedExampleRunsOfflineAgainstTheMockEndpoint() throws {
        let mock = ChildProcess()
        mock.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        mock.arguments = [
            "python3", TestEnvironment.repository.appendingPathComponent("jobs/tools/mock_openai.py").path, "--port",
            "0",
        ]
        let output = Pipe()
        mock.standardOutput = output
        mock.standardError = FileHandle.nullDevice
        try mock.run()
        defer {
            // SIGKILL: a child started from the test process inherits its blocked signals,
            // so SIGTERM would wait forever.
            mock.send(SIGKILL)
            mock.waitUntilExit()
        }
        // "mock OpenAI endpoint at http://127.0.0.1:PORT/v1"
        let announced = try Waiting.read(output.fileHandleForReading, until: "\n", within: 60)
        let baseURL = try #require(
            announced.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(baseURL.hasPrefix("http://127.0.0.1:"))

        let jobs = TestEnvironment.repository.appendingPathComponent("jobs/examples")
        let text = try String(contentsOf: jobs.appendingPathComponent("priced.yaml"), encoding: .utf8)
        let folder = try TestEnvironment.temporaryFolder("vigil-priced")
        // Beside the original (its paths are relative to it), pointed at the mock, runs elsewhere.
        let copy = jobs.appendingPathComponent(".priced-test-\(folder.lastPathComponent).yaml")
        defer { try? FileManager.default.removeItem(at: copy) }
        let environment = ["MOCK_OPENAI_KEY": "local"]
        func run(_ budget: String, _ arguments: [String]) throws -> TestEnvironment.Outcome {
            try text.replacingOccurrences(of: "http://127.0.0.1:8765/v1", with: baseURL)
                .replacingOccurrences(of: "budget: { max_cost: 0.05 }", with: "budget: { max_cost: \(budget) }")
                .replacingOccurrences(of: "output: { dir: ../../runs }", with: "output: { dir: \(folder.path) }")
                .write(to: copy, atomically: true, encoding: .utf8)
            return try TestEnvironment.run(
                TestEnvironment.vigil, ["run", copy.path, "--quiet"] + arguments, environment: environment)
        }
        let canary = try run("0.05", ["--canary", "6"])
        #expect(canary.status == 0, "\(canary.standardError)")
        #expect(canary.standardError.contains("projection for all 24 items (from 6 canary items; 95% range):"))
        #expect(canary.standardError.contains("  budget    max_cost $0.05 covers it, even at the high end"))
        let tight = try run("0.02", [])
        #expect(tight.status == 3, "\(tight.standardError)")
        #expect(tight.standardError.contains("ABORTED: the budget is exhausted: $0.01"))
        #expect(
            tight.standardError.contains("spent of budget.max_cost $0.02; the next request could cost up to $0.0046"))
    }

    /// A new cap a run cannot keep is refused before anything is resumed, said once.
    @Test func aResumeCapTheRunCannotKeepIsRefused() throws {
        let job = try TemporaryJob(items: 2, extractor: TemporaryJob.extractor("answer = {\"n\": n}"), thresholds: "")
        let run = try vigil(["run", "job.yaml", "--quiet"], in: job)
        #expect(run.status == 0, "\(run.standardError)")
        let resumed = try vigil(["resume", try folder(run), "--max-cost", "5"], in: job)
        #expect(resumed.status == 2)
        #expect(
            resumed.standardError.contains(
                "error: the new cap cannot be kept for this run: budget cannot be kept with provider: command: a program reports no tokens, so no request has a known cost; remove budget, or send the items to an OpenAI-compatible endpoint (provider: openai)"
            ))
        #expect(!resumed.standardError.contains("error: error:"))
    }
}
