import Foundation
import JSONSchema
import TestSupport
import Testing
import Vigil

/// Shards without a coordinator keep 1/N of the run's caps each: the budget and the rate
/// limit hold for the whole run, whatever N is. (Before, four shards each kept the whole
/// budget and billed 3.9 times `max_cost`.)
@Suite(.timeLimit(.minutes(4))) struct ShardShareTests {
    static let environment = ["VIGIL_TEST_KEY": OpenAIProviderTests.key]

    /// Four shards of `job` as a 4-task Slurm array (run id `job` number), started together.
    static func runFourShards(_ job: TemporaryJob, array: String) throws -> [ChildProcess] {
        try (0..<4).map { index in
            try TestEnvironment.start(
                ["run", job.path, "--shard", "auto", "--quiet"],
                environment: ShardTests.slurm(index, job: array).merging(Self.environment) { $1 })
        }
    }

    @Test func aBudgetIsSplitNotMultiplied() throws {
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        // Ten items' worth for the whole run: each shard keeps two and a half.
        let cap = BudgetTests.itemCost * 10
        let job = try TemporaryJob(
            items: 40, extractor: "", model: endpoint.model, extra: "budget: { max_cost: \(cap.decimalText) }\n",
            thresholds: "", concurrency: 2)
        let shards = try Self.runFourShards(job, array: "4101")
        for shard in shards { try Waiting.exit(of: shard, "a shard") }
        // Each shard stopped at its part (exit 3, the budget's verdict), and the run's cap held.
        #expect(shards.allSatisfy { $0.terminationStatus == 3 })
        #expect(endpoint.billed <= cap, "billed \(endpoint.billed) against a cap of \(cap)")
        #expect(endpoint.answered == 8, "two items a shard (2.5 items' worth each)")
        let run = job.folder.appendingPathComponent("runs/test-job/slurm-4101")
        let manifest = try JSONParser().parse(
            String(contentsOf: run.appendingPathComponent("shard-1-of-4/manifest.json"), encoding: .utf8))
        let share = try #require(manifest["shard"]?["share"])
        #expect(share["of"] == 4)
        #expect(Dollars(json: share["budget"]?["max_cost"]) == Dollars(picodollars: cap.picodollars / 4))
        #expect(Dollars(json: share["run_budget"]?["max_cost"]) == cap)
        #expect(manifest["verdict"]?.stringValue?.contains("(this shard's 1/4 of \(cap))") == true)
        // merge sums what the shards spent and sets it against the run's cap.
        let merge = try TestEnvironment.run(TestEnvironment.vigil, ["merge", run.path])
        #expect(merge.standardError.contains("spent \(endpoint.billed) in all, of the run's budget.max_cost \(cap)"))
        let merged = try JSONParser().parse(
            String(contentsOf: run.appendingPathComponent("manifest.json"), encoding: .utf8))
        #expect(Dollars(json: merged["cost"]?["usd"]) == endpoint.billed)
    }

    /// A shard its part of the budget stopped resumes only under a higher cap, and keeps a
    /// part of that one: `--max-cost` is the whole run's, as for a run without shards.
    @Test func aShardsResumeKeepsItsPartOfTheCap() throws {
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        let cap = BudgetTests.itemCost * 16
        let job = try TemporaryJob(
            items: 40, extractor: "", model: endpoint.model, extra: "budget: { max_cost: \(cap.decimalText) }\n",
            thresholds: "", concurrency: 1)
        let run = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path, "--shard", "0/4", "--run-id", "r2", "--quiet"],
            environment: Self.environment)
        #expect(run.status == 3)
        let first = endpoint.answered
        #expect(first >= 2 && endpoint.billed <= Dollars(picodollars: cap.picodollars / 4), "\(endpoint.billed)")
        let folder = job.folder.appendingPathComponent("runs/test-job/r2/shard-0-of-4")
        // The same cap: nothing to resume for.
        let same = try TestEnvironment.run(
            TestEnvironment.vigil, ["resume", folder.path, "--quiet"], environment: Self.environment)
        #expect(same.status == 2)
        #expect(same.standardError.contains("stopped at its budget"))
        #expect(endpoint.answered == first)
        // Twice the cap: this shard keeps a quarter of it.
        let raised = try TestEnvironment.run(
            TestEnvironment.vigil, ["resume", folder.path, "--max-cost", (cap * 2).decimalText, "--quiet"],
            environment: Self.environment)
        #expect(raised.status == 3, "\(raised.standardError)")
        #expect(endpoint.answered > first)
        #expect(endpoint.billed <= Dollars(picodollars: (cap * 2).picodollars / 4), "\(endpoint.billed)")
        let manifest = try JSONParser().parse(
            String(contentsOf: folder.appendingPathComponent("manifest.json"), encoding: .utf8))
        #expect(
            Dollars(json: manifest["shard"]?["share"]?["budget"]?["max_cost"])
                == Dollars(picodollars: (cap * 2).picodollars / 4))
    }

    /// The busiest 5 s of the endpoint's arrival times: what a provider counting per second sees.
    static func busiestFiveSeconds(_ times: [Double]) -> Int {
        let sorted = times.sorted()
        var most = 0
        var start = 0
        for end in sorted.indices {
            while sorted[end] - sorted[start] >= 5 { start += 1 }
            most = max(most, end - start + 1)
        }
        return most
    }

    @Test func aRateLimitIsSplitNotMultiplied() throws {
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        // 80 items at 10/s for the run: 8 s or more, 2.5/s a shard.
        let job = try TemporaryJob(items: 80, extractor: "", model: endpoint.model, thresholds: "", concurrency: 4)
        try String(contentsOfFile: job.path, encoding: .utf8)
            .replacing("concurrency: 4", with: "concurrency: 4\n  rate_limit: { requests: 10, per: 1s }")
            .write(toFile: job.path, atomically: true, encoding: .utf8)
        let shards = try Self.runFourShards(job, array: "4102")
        for shard in shards { try Waiting.exit(of: shard, "a shard") }
        #expect(shards.allSatisfy { $0.terminationStatus == 0 })
        let times = endpoint.server.requests.map(\.time)
        #expect(times.count == 80)
        // One machine under 10/s sends at most 60 in 5 s (its one-second burst, then 10/s);
        // four shards, each with a quarter of the bucket, no more. (Before: 42.8/s.)
        let busiest = Self.busiestFiveSeconds(times)
        #expect(busiest <= 62, "\(busiest) requests in the busiest 5 s")
    }

    @Test func aBudgetTooSmallToSplitIsRefusedWithTheShardsThatWouldWork() throws {
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        // Room for 5 of the longest answers ($0.0008 each): 8 shards' parts pay for none.
        let cap = PricedEndpoint.outputPrice * PricedEndpoint.maxTokens * 5
        let job = try TemporaryJob(
            items: 8, extractor: "", model: endpoint.model, extra: "budget: { max_cost: \(cap.decimalText) }\n",
            thresholds: "")
        let run = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path, "--shard", "0/8", "--run-id", "r1", "--quiet"],
            environment: Self.environment)
        #expect(run.status == 2)
        #expect(run.standardError.contains("8 shards without a coordinator each keep 1/8 of the budget"))
        #expect(run.standardError.contains("split the run among at most 5 shards"))
        #expect(endpoint.answered == 0)
        #expect(!FileManager.default.fileExists(atPath: job.folder.appendingPathComponent("runs").path))
        // validate --shards says it at the budget's line; 5 shards are fine.
        let validate = try TestEnvironment.run(TestEnvironment.vigil, ["validate", job.path, "--shards", "8"])
        #expect(validate.status == 2)
        #expect(validate.standardOutput.contains("job.yaml:"), "\(validate.standardOutput)")
        #expect(validate.standardOutput.contains("at most 5 shards"))
        #expect(try TestEnvironment.run(TestEnvironment.vigil, ["validate", job.path, "--shards", "5"]).status == 0)
        // plan --shard shows a shard's part.
        let plan = try TestEnvironment.run(TestEnvironment.vigil, ["plan", job.path, "--shard", "1/5"])
        #expect(plan.status == 0)
        #expect(plan.standardOutput.contains("shard 1/5: about 1/5 of the items"))
        #expect(
            plan.standardOutput.contains("keeps max_cost \(Dollars(picodollars: cap.picodollars / 5)) (1/5 of \(cap))"))
    }
}

/// The arithmetic of a share: the parts never add up to more than the whole.
@Suite struct ShardShareArithmeticTests {
    @Test(arguments: [1, 2, 3, 4, 7, 100])
    func aBudgetsPartsNeverExceedIt(shards: Int) {
        let budget = BudgetSpec(maxCost: Dollars(usd: 0.05), maxTokens: 100_001)
        let part = budget.share(among: shards)
        #expect(part.maxCost!.picodollars * Int64(shards) <= budget.maxCost!.picodollars)
        #expect(part.maxTokens! * shards <= 100_001)
        #expect(budget.maxCost!.picodollars - part.maxCost!.picodollars * Int64(shards) < Int64(shards))
    }

    /// Four limiters with a quarter each grant, together, what one limiter grants alone
    /// (on a virtual clock): the same burst, the same rate.
    @Test(arguments: [(10, 1.0), (10, 60.0), (3, 1.0)])
    func fourQuartersOfARateLimitAreTheWhole(requests: Int, per seconds: Double) async throws {
        func grants(share: Int, within horizon: Double) async throws -> Int {
            let time = OpenAIProviderTests.VirtualTime()
            let limiter = RateLimiter(
                requests: requests, per: seconds, share: share,
                clock: RateLimiter.Clock(now: { time.now }, sleep: { time.advance($0) }))
            var count = 0
            while true {
                try await limiter.acquire()
                guard time.now <= horizon else { return count }
                count += 1
            }
        }
        let horizon = seconds * 5
        let whole = try await grants(share: 1, within: horizon)
        let quarters = try await grants(share: 4, within: horizon) * 4
        // Each quarter rounds down to whole grants: at most 3 fewer in all, never more.
        #expect(quarters <= whole && quarters >= whole - 3, "\(quarters) against \(whole)")
    }

    @Test func aShareIsReadBackAsWritten() throws {
        var share = ShardShare(
            of: try #require(
                JobLoader(purpose: .validate).load(TestEnvironment.repository.path + "/jobs/demo.yaml").job),
            among: 4)
        share.budget = BudgetSpec(maxCost: Dollars(usd: 0.0125), maxTokens: nil)
        share.runBudget = BudgetSpec(maxCost: Dollars(usd: 0.05), maxTokens: nil)
        #expect(ShardShare(json: share.json) == share)
        #expect(share.summary == "max_cost $0.0125 (1/4 of $0.05)")
    }
}
