import Foundation
import JSONSchema
import Testing
import Vigil

/// `vigil run --canary N`: a projection of the whole input set's cost and duration.
@Suite(.timeLimit(.minutes(3))) struct CostProjectionTests {
    /// A canary of 20 items projects what a run of all 400 costs: the real run's cost falls
    /// in the printed range. The endpoint's answers vary per item (20 to 200 output tokens)
    /// and take 20 to 60 ms; five endpoints, each with its own draw.
    @Test(arguments: 0..<5) func aCanaryOfTwentyProjectsTheFourHundredItemRun(seed: Int) async throws {
        let endpoint = try PricedEndpoint(
            completionTokens: { BudgetTests.value(seed, $0, 20...200) },
            delay: { Double(BudgetTests.value(seed, $0 + 9_000, 20...60)) / 1000 })
        defer { endpoint.shutdown() }
        let job = try TemporaryJob(items: 400, extractor: "", model: endpoint.model, thresholds: "", concurrency: 8)
        let validation = JobLoader(purpose: .run, environment: BudgetTests.environment).load(job.path)
        let spec = try #require(validation.job)
        let options = RunOptions(environment: BudgetTests.environment)
        let canary = try RunEngine(job: spec, setup: try await RunSetup.newRun(of: spec, canary: 20), options: options)
        let canarySummary = await canary.run()
        #expect(canarySummary.counts.succeeded == 20)
        let projection = try #require(canarySummary.projection)
        #expect(projection.items == 400)
        #expect(projection.sampled == 20)
        let cost = try #require(projection.cost)
        // Written into the canary's manifest.
        let manifest = try JSONParser().parse(Data(contentsOf: canary.folder.manifest))
        #expect(manifest["cost"]?["projection"] == projection.json)
        #expect(manifest["inputs"]?["canary_of"] == 400)

        let full = try RunEngine(job: spec, setup: try await RunSetup.newRun(of: spec), options: options)
        let summary = await full.run()
        #expect(summary.counts.succeeded == 400)
        let spent = summary.spend.spent.cost.usd
        #expect(
            spent >= cost.low && spent <= cost.high,
            "seed \(seed): the run cost \(spent), the projection said \(cost.low) to \(cost.high)")
        let tokens = Double(summary.spend.spent.tokens)
        #expect(tokens >= projection.tokens.low && tokens <= projection.tokens.high)
        // (The duration is not checked here: on a shared machine running the other tests at
        // once it is the machine's load, not the projection; `theBudgetIsComparedWithTheRange`
        // checks its arithmetic.)
    }

    @Test func theBudgetIsComparedWithTheRange() throws {
        let samples = (1...20).map {
            CostSample(cost: Dollars(usd: 0.01 + Double($0 % 5) * 0.001)!, tokens: 1_000 + $0, latency: 800)
        }
        func projection(maxCost: Double?) -> CostProjection {
            CostProjection(
                samples: samples, items: 1_000, concurrency: 4, requestsPerSecond: nil,
                budget: maxCost.map { BudgetSpec(maxCost: Dollars(usd: $0)) })!
        }
        let none = projection(maxCost: nil)
        #expect(none.coverage == .noBudget)
        let cost = try #require(none.cost)
        #expect(abs(cost.expected - 12) < 1e-9)
        #expect(projection(maxCost: cost.high + 0.01).coverage == .covered)
        #expect(projection(maxCost: (cost.expected + cost.high) / 2).coverage == .atRisk)
        let short = projection(maxCost: 6)
        #expect(short.coverage == .short)
        #expect(short.reachableItems == 500)
        #expect(
            short.lines.last
                == "  budget    max_cost $6.00 does not cover it: the run would stop as aborted after about 500 of 1000 items; to cover the high end, set budget.max_cost \(Dollars(usd: cost.high)!)"
        )
        // 1,000 items of 0.8 s at concurrency 4: 200 s; a rate limit of 2 a second makes it 500 s.
        #expect(abs(none.duration.expected - 200) < 1e-6)
        let limited = CostProjection(samples: samples, items: 1_000, concurrency: 4, requestsPerSecond: 2, budget: nil)!
        #expect(abs(limited.duration.expected - 500) < 1e-6)
        #expect(
            CostProjection(
                samples: Array(samples.prefix(1)), items: 10, concurrency: 1, requestsPerSecond: nil, budget: nil)
                == nil)
    }

    @Test func studentsTIsRightWhereItMatters() {
        #expect(CostProjection.studentT975(1) == 12.706)
        #expect(CostProjection.studentT975(19) > 2.09 && CostProjection.studentT975(19) < 2.096)
        #expect(CostProjection.studentT975(1_000) > 1.96 && CostProjection.studentT975(1_000) < 1.963)
    }
}
