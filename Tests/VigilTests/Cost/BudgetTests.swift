import Foundation
import JSONSchema
import Synchronization
import Testing
import Vigil

/// `budget`: checked before each request against the reservations of every request in
/// flight, against a loopback endpoint that bills what it answers.
@Suite(.timeLimit(.minutes(3))) struct BudgetTests {
    static let environment = ["VIGIL_TEST_KEY": OpenAIProviderTests.key]
    /// The prompt TemporaryJob writes ("Answer with Darwin Core JSON.\n").
    static let promptBytes = 30

    /// A value in `range` fixed by `seed` and `n` (the same item gets the same value).
    static func value(_ seed: Int, _ n: Int, _ range: ClosedRange<Int>) -> Int {
        var generator = SeededGenerator(seed: UInt64(seed * 1_000_003 + n))
        return Int.random(in: range, using: &generator)
    }

    /// Pads each item's text to a length of its own, so the items' input sizes differ.
    static func padItems(_ job: TemporaryJob, count: Int, seed: Int) throws {
        for n in 1...count {
            let padding = String(repeating: "lorem ", count: value(seed, n + 7_000, 1...60))
            try (padding + "item \(n)\n").write(
                to: job.folder.appendingPathComponent(String(format: "items/item-%03d.txt", n)), atomically: true,
                encoding: .utf8)
        }
    }

    static func manifest(_ engine: RunEngine) throws -> JSONValue {
        try JSONParser().parse(Data(contentsOf: engine.folder.manifest))
    }

    static func lineCosts(_ job: TemporaryJob, _ engine: RunEngine) throws -> Dollars {
        var total = Dollars.zero
        for url in [engine.folder.results, engine.folder.failed] where FileManager.default.fileExists(atPath: url.path)
        {
            for line in try job.lines(url) {
                total += try #require(Spend(json: try JSONParser().parse(line)["cost"])).charged
            }
        }
        return total
    }

    @Test(arguments: 0..<8) func theSpendNeverCrossesTheCapAtConcurrencyEight(seed: Int) async throws {
        let endpoint = try PricedEndpoint(
            completionTokens: { Self.value(seed, $0, 1...PricedEndpoint.maxTokens) },
            delay: { Double(Self.value(seed, $0 + 500, 0...40)) / 1000 })
        defer { endpoint.shutdown() }
        // About 40% of what the 40 items would cost: the budget ends the run.
        let cap = Dollars(picodollars: 6_000_000_000 + Int64(Self.value(seed, 0, 0...2_000)) * 1_000_000)
        let job = try TemporaryJob(
            items: 40, extractor: "", model: endpoint.model, extra: "budget: { max_cost: \(cap.decimalText) }\n",
            thresholds: "", concurrency: 8)
        try Self.padItems(job, count: 40, seed: seed)
        let engine = try await job.engine(environment: Self.environment)
        let summary = await engine.run()

        #expect(endpoint.billed <= cap, "seed \(seed): the endpoint billed \(endpoint.billed) against a cap of \(cap)")
        #expect(summary.status == .aborted)
        let verdict = try #require(summary.verdict?.message)
        #expect(verdict.hasPrefix("the budget is exhausted: "), "\(verdict)")
        #expect(verdict.contains("of budget.max_cost \(cap)"))
        #expect(verdict.hasSuffix("\(40 - summary.counts.completed) items were not sent"), "\(verdict)")
        // Every answer the endpoint billed was recorded, with its cost, exactly.
        #expect(summary.counts.completed == endpoint.answered)
        #expect(try Self.lineCosts(job, engine) == endpoint.billed)
        let cost = try #require(try Self.manifest(engine)["cost"])
        #expect(Spend(json: cost)?.charged == endpoint.billed)
        #expect(cost["budget"]?["exhausted"] == true)
        #expect(cost["overruns"] == 0)
        #expect(summary.spend.spent.cost == endpoint.billed)
    }

    /// The cost of one unpadded item ("item N\n", N < 10) whose answer uses all of max_tokens.
    static let itemCost = PricedEndpoint.cost(messageBytes: promptBytes + 7, output: PricedEndpoint.maxTokens)

    @Test(arguments: [1, 4]) func aBudgetOfExactlyNItemsLetsNItemsThrough(concurrency: Int) async throws {
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        let budget = Self.itemCost * 5
        let job = try TemporaryJob(
            items: 9, extractor: "", model: endpoint.model, extra: "budget: { max_cost: \(budget.decimalText) }\n",
            thresholds: "", concurrency: concurrency)
        let engine = try await job.engine(environment: Self.environment)
        let summary = await engine.run()
        #expect(summary.counts.succeeded == 5)
        #expect(endpoint.answered == 5)
        #expect(endpoint.billed == budget)
        #expect(summary.status == .aborted)
        #expect(summary.verdict?.message.hasSuffix("; 4 items were not sent") == true)
        #expect(
            try Self.manifest(engine)["cost"]?["usd"] == .number(JSONNumber(parsing: Array(budget.decimalText.utf8))!))
    }

    @Test func aTokenCapIsKeptTheSameWay() async throws {
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        // Each unpadded item: 10 input tokens (37 bytes) and 200 output tokens.
        let perItem = (Self.promptBytes + 7 + 3) / 4 + PricedEndpoint.maxTokens
        let job = try TemporaryJob(
            items: 9, extractor: "", model: endpoint.model, extra: "budget: { max_tokens: \(perItem * 3) }\n",
            thresholds: "", concurrency: 3)
        let summary = await (try await job.engine(environment: Self.environment)).run()
        #expect(summary.counts.succeeded == 3)
        #expect(endpoint.answered == 3)
        #expect(summary.spend.spent.tokens == perItem * 3)
        #expect(
            summary.verdict?.message.contains("\(perItem * 3) tokens used of budget.max_tokens \(perItem * 3)") == true)
    }

    @Test func aFailedAnswerIsPaidForAndCounted() async throws {
        // The endpoint bills an answer that is not JSON like any other.
        let server = try LoopbackOpenAIServer { _, _ in
            .completion("I see a plant.", usage: ["prompt_tokens": 10, "completion_tokens": 200])
        }
        defer { server.shutdown() }
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        let model = endpoint.model.replacingOccurrences(of: endpoint.server.baseURL, with: server.baseURL)
        let job = try TemporaryJob(items: 3, extractor: "", model: model, thresholds: "", concurrency: 1)
        let engine = try await job.engine(environment: Self.environment)
        let summary = await engine.run()
        #expect(summary.counts.failed == 3)
        #expect(try Self.lineCosts(job, engine) == Self.itemCost * 3)
        #expect(Spend(json: try Self.manifest(engine)["cost"])?.charged == Self.itemCost * 3)
    }

    @Test func aResumedRunKeepsCountingTheSameBudget() async throws {
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        let job = try TemporaryJob(
            items: 9, extractor: "", model: endpoint.model,
            extra: "budget: { max_cost: \((Self.itemCost * 5).decimalText) }\n", thresholds: "",
            concurrency: 1)
        let first = try await job.engine(environment: Self.environment)
        _ = StopAfterItems(3, of: first)
        let interrupted = await first.run()
        #expect(interrupted.status == .interrupted)
        #expect(interrupted.counts.succeeded == 3)
        #expect(interrupted.spend.spent.cost == Self.itemCost * 3)

        let recorded = try RecordedRun(at: first.folder.url.path)
        let spec = try #require(recorded.loadJob(environment: Self.environment).job)
        let resumed = try RunEngine(
            job: spec, setup: try await RunSetup.resuming(recorded, job: spec),
            options: RunOptions(environment: Self.environment))
        let summary = await resumed.run()
        // The budget is the run's: two more items, not five.
        #expect(summary.counts.succeeded == 5)
        #expect(endpoint.answered == 5)
        #expect(summary.status == .aborted)
        #expect(summary.spend.spent.cost == Self.itemCost * 5)
        #expect(Spend(json: try Self.manifest(resumed)["cost"])?.charged == Self.itemCost * 5)
    }

    @Test func theEndpointsReportedCostIsRecordedBesideThePricedOneAndCounts() async throws {
        // The endpoint charges 10% more than the job's prices say.
        let endpoint = try PricedEndpoint(reportsCost: 1.1)
        defer { endpoint.shutdown() }
        let job = try TemporaryJob(items: 4, extractor: "", model: endpoint.model, thresholds: "", concurrency: 2)
        let engine = try await job.engine(environment: Self.environment)
        let summary = await engine.run()
        #expect(summary.counts.succeeded == 4)
        let line = try JSONParser().parse(try job.lines(engine.folder.results)[0])
        let spend = try #require(Spend(json: line["cost"]))
        #expect(spend.priced == Self.itemCost)
        #expect(spend.reported == Dollars(picodollars: Int64((Double(Self.itemCost.picodollars) * 1.1).rounded())))
        #expect(spend.charged == spend.reported)
        #expect(Spend(json: try Self.manifest(engine)["cost"])?.charged == endpoint.billed)
        // Each item's event says the same as its line.
        let lines = try job.lines(engine.folder.results).map { try JSONParser().parse($0) }
        let lineCosts = Dictionary(
            uniqueKeysWithValues: lines.map { ($0["id"]?.stringValue ?? "", Spend(json: $0["cost"])) })
        let events = try job.lines(engine.folder.events).map { try JSONParser().parse($0) }
        let completed = events.filter { $0["type"] == "item.completed" }
        #expect(completed.count == 4)
        for event in completed {
            let item = event["item"]?.stringValue ?? ""
            #expect(Spend(json: event["cost"]) == lineCosts[item] ?? nil, "\(item)")
            #expect(Spend(json: event["cost"])?.charged == spend.charged, "\(item)")
            #expect(event["usage"]?["completion_tokens"] == .number(JSONNumber(PricedEndpoint.maxTokens)))
        }
    }

    @Test func aProxysCostHeaderIsTheReportedCost() async throws {
        let server = try LoopbackOpenAIServer { _, body in
            .completion(
                "{\"n\": \(OpenAIProviderTests.itemNumber(body))}",
                usage: ["prompt_tokens": 10, "completion_tokens": 20],
                headers: [("x-litellm-response-cost", "0.00125")])
        }
        defer { server.shutdown() }
        let job = try TemporaryJob(
            items: 2, extractor: "", model: OpenAIProviderTests.model(server), thresholds: "", concurrency: 1)
        let engine = try await job.engine(environment: Self.environment)
        _ = await engine.run()
        let line = try JSONParser().parse(try job.lines(engine.folder.results)[0])
        // No prices in the job: only the endpoint's figure, which counts.
        #expect(
            line["cost"] == [
                "usd": .number(JSONNumber(parsing: Array("0.00125".utf8))!),
                "reported_usd": .number(JSONNumber(parsing: Array("0.00125".utf8))!),
            ])
        #expect(Spend(json: try Self.manifest(engine)["cost"])?.charged == Dollars(usd: 0.0025))
    }

    @Test func requestsThatGetNoAnswerKeepTheirReservation() async throws {
        // Every request times out: the endpoint may have billed them, so each keeps its
        // reservation as unconfirmed spend until the budget is used up.
        // Long enough a timeout for a loaded machine to have sent each request before it fires
        // (with 1 s, a request the endpoint received was once taken for one never sent).
        let server = try LoopbackOpenAIServer { _, _ in .slow(12, "{\"n\": 1}") }
        defer { server.shutdown() }
        let reservation =
            PricedEndpoint.inputPrice * (Self.promptBytes + 7 + 64) + PricedEndpoint.outputPrice
            * PricedEndpoint.maxTokens
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        let model = endpoint.model.replacingOccurrences(of: endpoint.server.baseURL, with: server.baseURL)
            .replacingOccurrences(of: "timeout: 5s", with: "timeout: 3s")
        let job = try TemporaryJob(
            items: 9, extractor: "", model: model, extra: "budget: { max_cost: \((reservation * 3).decimalText) }\n",
            thresholds: "", concurrency: 1,
            retries: "{ max_attempts: 1 }")
        // In a process of its own: the test process's cooperative threads, held by other
        // suites' blocking waits, once delayed this run by two minutes, and one timed-out
        // request came back counted as never sent.
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path, "--quiet"],
            environment: ["VIGIL_TEST_KEY": OpenAIProviderTests.key])
        let runs = job.folder.appendingPathComponent("runs/test-job")
        let run = try #require(
            try FileManager.default.contentsOfDirectory(atPath: runs.path).first { !$0.hasPrefix(".") })
        let manifest = try JSONParser().parse(Data(contentsOf: runs.appendingPathComponent("\(run)/manifest.json")))
        let failed =
            (try? String(contentsOf: runs.appendingPathComponent("\(run)/failed.jsonl"), encoding: .utf8)) ?? ""
        #expect(outcome.status == 3, "\(outcome.standardError)")
        #expect(server.requests.count == 3)
        #expect(manifest["status"] == "aborted")
        #expect(Dollars(json: manifest["cost"]?["unconfirmed_usd"]) == reservation * 3, "\(failed)")
        #expect(
            manifest["verdict"]?.stringValue?.contains(
                "and up to \(reservation * 3) more for requests that got no answer")
                == true, "\(manifest["verdict"] ?? .null)")
    }

    @Test func anUnreachableEndpointSpendsNothing() async throws {
        // A port held, not listened on, for the whole test: every connection is refused, nothing
        // is sent, nothing can be billed. (A server's port closed first was once taken by
        // another test's server before this one tried it: both items were answered.)
        let (socket, port) = try CoordinatorStoreTests.boundSocket(listening: false)
        defer { close(socket) }
        let baseURL = "http://127.0.0.1:\(port)/v1"
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        let model = endpoint.model.replacingOccurrences(of: endpoint.server.baseURL, with: baseURL)
            .replacingOccurrences(of: "timeout: 5s", with: "timeout: 1s")
        let job = try TemporaryJob(
            items: 2, extractor: "", model: model, extra: "budget: { max_cost: \((Self.itemCost * 2).decimalText) }\n",
            thresholds: "", concurrency: 1,
            retries: "{ max_attempts: 2, initial_delay: 10ms, max_delay: 20ms }")
        let engine = try await job.engine(environment: Self.environment)
        let summary = await engine.run()
        // Four refused connections in all: fewer than the breaker opens after.
        #expect(
            summary.counts.failed == 2, "\(summary.status) \(summary.verdict?.message ?? summary.interruption ?? "")")
        #expect(summary.spend.unconfirmed == SpendLedger.Amount())
        #expect(summary.spend.spent == SpendLedger.Amount())
    }
}
