import Foundation
import JSONSchema
import Synchronization
import TestSupport
import Testing
import Vigil

/// Real shard processes sharing one run through a real PostgreSQL (`coordinator:`): one budget,
/// one bucket, one verdict; a server that cannot be reached refuses the run before any call.
@Suite(TestPostgres.needed, .timeLimit(.minutes(4)))
struct CoordinatedShardTests {
    static let variable = "VIGIL_TEST_COORDINATOR"

    /// A job for `endpoint` that shares its run through `coordinator`'s database.
    static func job(
        _ endpoint: PricedEndpoint, items: Int, extra: String = "", thresholds: String = "", concurrency: Int = 2
    ) throws -> TemporaryJob {
        try TemporaryJob(
            items: items, extractor: "", model: endpoint.model,
            extra: "coordinator: { url_env: \(variable) }\n" + extra, thresholds: thresholds,
            concurrency: concurrency)
    }

    /// Starts shards `indices` of 4 of run `runID`, each with the coordinator's URL.
    static func start(
        _ job: TemporaryJob, _ indices: [Int], of count: Int = 4, runID: String, url: String
    ) throws -> [ChildProcess] {
        try indices.map { index in
            try TestEnvironment.start(
                ["run", job.path, "--shard", "\(index)/\(count)", "--run-id", runID, "--quiet"],
                environment: ShardShareTests.environment.merging([variable: url]) { $1 })
        }
    }

    /// Waits for every shard to end, off Swift's cooperative threads.
    static func waitForAll(_ shards: [ChildProcess]) async throws {
        try await OwnThread.run {
            for shard in shards { try Waiting.exit(of: shard, "a shard") }
        }
    }

    /// Two of four shards spend the run's whole cap between them, never more: the one budget
    /// is the run's, not split (without a coordinator they would stop at half of it); four
    /// shards spend it once, not four times.
    @Test(arguments: [[0, 1], [0, 1, 2, 3]])
    func shardsSpendTheWholeCapAndNoMore(shards: [Int]) async throws {
        let url = try await TestPostgres.freshDatabase()
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        // 27.5 items' worth for the run.
        let cap = BudgetTests.itemCost * 27 + Dollars(picodollars: BudgetTests.itemCost.picodollars / 2)
        let job = try Self.job(endpoint, items: 120, extra: "budget: { max_cost: \(cap.decimalText) }\n")
        let started = try Self.start(job, shards, runID: "cap", url: url)
        try await Self.waitForAll(started)
        #expect(started.allSatisfy { $0.terminationStatus == 3 }, "the budget's verdict, in every shard")
        #expect(endpoint.billed <= cap, "billed \(endpoint.billed) against \(cap)")
        #expect((22...27).contains(endpoint.answered), "\(endpoint.answered) requests")
        // Neither shard kept a part of the cap: the coordinator holds the whole.
        let manifest = try JSONParser().parse(
            String(
                contentsOf: job.folder.appendingPathComponent("runs/test-job/cap/shard-0-of-4/manifest.json"),
                encoding: .utf8))
        #expect(manifest["shard"]?["share"] == nil || manifest["shard"]?["share"] == .null)
        // The manifest and `vigil watch` show the whole run: every shard's spend together.
        let spent = try #require(Dollars(json: manifest["coordinator"]?["spent_usd"]))
        #expect(spent == endpoint.billed, "the run's spend at the coordinator is what the endpoint billed")
        let folder = job.folder.appendingPathComponent("runs/test-job/cap/shard-0-of-4").path
        let watch = try await OwnThread.run { try TestEnvironment.run(TestEnvironment.vigil, ["watch", folder]) }
        #expect(watch.standardOutput.contains("whole run: $"), "\(watch.standardOutput)")
        #expect(watch.standardOutput.contains("of \(cap) spent"), "\(watch.standardOutput)")
    }

    /// One bucket for the run: two shards under 10/s send at least 8/s together, and never
    /// more than one machine would in its busiest 5 s (its one-second burst, then 10/s).
    @Test func twoOfFourShardsShareOneBucket() async throws {
        let url = try await TestPostgres.freshDatabase()
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        let job = try Self.job(endpoint, items: 240, extra: "", concurrency: 4)
        try String(contentsOfFile: job.path, encoding: .utf8)
            .replacing("concurrency: 4", with: "concurrency: 4\n  rate_limit: { requests: 10, per: 1s }")
            .write(toFile: job.path, atomically: true, encoding: .utf8)
        let shards = try Self.start(job, [0, 1], runID: "rate", url: url)
        try await Self.waitForAll(shards)
        #expect(shards.allSatisfy { $0.terminationStatus == 0 })
        let times = endpoint.server.requests.map(\.time).sorted()
        // Shards 0 and 1 hold about half of the 240 items (each item's shard comes from its id).
        #expect(times.count > 80 && times.count == endpoint.answered, "\(times.count) requests")
        let average = Double(times.count - 1) / max(0.001, times.last! - times.first!)
        #expect(average >= 8, "\(average) requests/s on average")
        let busiest = ShardShareTests.busiestFiveSeconds(times)
        #expect(busiest <= 62, "\(busiest) requests in the busiest 5 s")
    }

    /// A job whose every answer fails its schema, on 4 shards at concurrency 2: the run's first
    /// 5 items judge it, wherever they ran, and every shard stops (exit 3). At most
    /// early.after + shards × concurrency + shards calls (17); without the coordinator each
    /// shard judged its own first 5.
    @Test func aGarbageJobStopsAfterTheRunsFirstItems() async throws {
        let url = try await TestPostgres.freshDatabase()
        let endpoint = try PricedEndpoint(delay: { _ in 0.05 })
        defer { endpoint.shutdown() }
        let job = try Self.job(
            endpoint, items: 200, thresholds: "thresholds:\n  early: { after: 5, min_success_rate: 0.5 }\n")
        // Every answer ({"n": N}) misses the field the schema requires.
        try #"{"type": "object", "required": ["scientificName"]}"#.write(
            to: job.folder.appendingPathComponent("schema.json"), atomically: true, encoding: .utf8)
        let shards = try Self.start(job, [0, 1, 2, 3], runID: "garbage", url: url)
        try await Self.waitForAll(shards)
        #expect(shards.map(\.terminationStatus) == [3, 3, 3, 3])
        #expect(endpoint.server.requests.count <= 17, "\(endpoint.server.requests.count) calls")
        // One verdict, written once; the other shards name the one that gave it.
        let folders = (0..<4).map { job.folder.appendingPathComponent("runs/test-job/garbage/shard-\($0)-of-4") }
        let verdicts = try folders.map {
            try JSONParser().parse(
                String(contentsOf: $0.appendingPathComponent("manifest.json"), encoding: .utf8))["verdict"]?
                .stringValue ?? ""
        }
        #expect(verdicts.filter { $0.contains("early") && !$0.contains("aborted the run") }.count == 1, "\(verdicts)")
        #expect(verdicts.filter { $0.contains("aborted the run") }.count == 3, "\(verdicts)")
        // Every shard's manifest has the run's one verdict, from the coordinator.
        let records = try folders.map {
            try JSONParser().parse(String(contentsOf: $0.appendingPathComponent("manifest.json"), encoding: .utf8))[
                "coordinator"] ?? .null
        }
        let runVerdicts = records.map { $0["verdict"]?.stringValue ?? "" }
        #expect(Set(runVerdicts).count == 1 && runVerdicts[0].contains("early"), "\(records)")
    }

    /// A shard killed with `kill -9` while two requests are in flight settles nothing: its two
    /// reservations hold their part of the run's cap until their lease ends (twice the 10 s
    /// request timeout), and only then does the other shard spend it.
    @Test func aKilledShardsReservationsCountUntilTheirLeaseEnds() async throws {
        let url = try await TestPostgres.freshDatabase()
        final class Holding: Sendable { let on = Mutex(true) }
        let holding = Holding()
        // While holding, an answer takes longer than the test: the requests stay in flight.
        let endpoint = try PricedEndpoint(delay: { _ in holding.on.withLock { $0 } ? 60 : 0 })
        defer { endpoint.shutdown() }
        // Four and a half items' worth: two held by the killed shard, the rest for the other.
        let cap = BudgetTests.itemCost * 4 + Dollars(picodollars: BudgetTests.itemCost.picodollars / 2)
        let job = try Self.job(endpoint, items: 40, extra: "budget: { max_cost: \(cap.decimalText) }\n")
        // A 10 s timeout: the kill comes long before the held requests would time out, even
        // on a loaded machine.
        try String(contentsOfFile: job.path, encoding: .utf8).replacing("timeout: 5s", with: "timeout: 10s")
            .write(toFile: job.path, atomically: true, encoding: .utf8)
        let killed = try Self.start(job, [0], of: 2, runID: "kill", url: url)[0]
        // Killed the moment its two requests are in flight (watched from a thread of its own:
        // the cooperative threads may be busy with other tests).
        try await OwnThread.run {
            let deadline = Date().addingTimeInterval(60)
            while endpoint.server.requests.count < 2 && Date() < deadline { usleep(2_000) }
            killed.send(SIGKILL)
        }
        try #require(endpoint.server.requests.count == 2)
        try await Self.waitForAll([killed])
        let heldSince = try #require(endpoint.server.requests.map(\.time).min())
        holding.on.withLock { $0 = false }
        let other = try Self.start(job, [1], of: 2, runID: "kill", url: url)[0]
        try await Self.waitForAll([other])
        #expect(other.terminationStatus == 3, "stopped by the run's budget")
        let times = endpoint.server.requests.map(\.time).sorted().dropFirst(2)
        // Two fit beside the held reservations at once; the third only once their lease ended.
        #expect(times.count == 4, "\(times.count) requests of the other shard")
        if times.count >= 3 {
            let third = times[times.startIndex + 2]
            #expect(third - heldSince >= 19.5, "the third came \(third - heldSince) s after the held ones")
        }
        // The run's spend at the coordinator stayed under the cap.
        let manifest = try JSONParser().parse(
            String(
                contentsOf: job.folder.appendingPathComponent("runs/test-job/kill/shard-1-of-2/manifest.json"),
                encoding: .utf8))
        let spent = try #require(Dollars(json: manifest["coordinator"]?["spent_usd"]))
        #expect(spent <= cap, "the run spent \(spent) of \(cap)")
        #expect(manifest["coordinator"]?["server"]?.stringValue?.contains("vigil-secret-pw") == false)
    }

    /// The server stops mid-run: the shard sends nothing more (no request without its
    /// reservation), lets what is in flight end, and stops as interrupted (exit 4); once the
    /// server is back, `vigil resume` finishes the shard with nothing lost or done twice.
    @Test func aServerStoppedMidRunInterruptsTheShardAndItsResumeFinishes() async throws {
        let cluster = try await TestPostgres.startCluster()
        // About a hundred items of 0.3 s at concurrency 2: the stop comes mid-run however
        // long the server takes to stop on a loaded machine.
        let endpoint = try PricedEndpoint(delay: { _ in 0.3 })
        defer { endpoint.shutdown() }
        let cap = BudgetTests.itemCost * 1000
        let job = try Self.job(endpoint, items: 200, extra: "budget: { max_cost: \(cap.decimalText) }\n")
        let shard = try Self.start(job, [0], of: 2, runID: "restart", url: cluster.url)[0]
        try await OwnThread.run {
            let deadline = Date().addingTimeInterval(60)
            while endpoint.server.requests.count < 3 && Date() < deadline { usleep(2_000) }
        }
        try await TestPostgres.stop(cluster)
        let stopped = Date().timeIntervalSince1970
        try await Self.waitForAll([shard])
        #expect(shard.terminationStatus == 4, "interrupted")
        // At most what was in flight (concurrency 2) went out once the server was gone.
        #expect(endpoint.server.requests.filter { $0.time > stopped + 0.05 }.count <= 2)
        let folder = job.folder.appendingPathComponent("runs/test-job/restart/shard-0-of-2")
        let manifest = try JSONParser().parse(
            String(contentsOf: folder.appendingPathComponent("manifest.json"), encoding: .utf8))
        #expect(manifest["status"] == "interrupted")
        #expect(
            manifest["verdict"]?.stringValue?.contains("the coordinator was lost") == true,
            "\(manifest["verdict"] ?? .null)")
        // Back: the resume finishes the shard; every item of it ended exactly once.
        try await TestPostgres.start(cluster)
        let resumed = try await OwnThread.run {
            try TestEnvironment.run(
                TestEnvironment.vigil, ["resume", folder.path, "--quiet"],
                environment: ShardShareTests.environment.merging([Self.variable: cluster.url]) { $1 })
        }
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let results = try job.lines(folder.appendingPathComponent("results.jsonl"))
        let ids = results.compactMap { try? JSONParser().parse($0)["id"]?.stringValue }
        #expect(Set(ids).count == ids.count, "an item done twice")
        let inputs = try job.lines(folder.appendingPathComponent("inputs.jsonl"))
        #expect(ids.count == inputs.count, "\(ids.count) results of \(inputs.count) items")
        try await TestPostgres.stop(cluster)
    }

    /// A server that cannot be reached refuses the run before any call, naming the host and
    /// never the password (exit 2).
    @Test func anUnreachableCoordinatorRefusesTheRun() async throws {
        let endpoint = try PricedEndpoint()
        defer { endpoint.shutdown() }
        let job = try Self.job(endpoint, items: 4)
        let url = "postgres://vigil:hunter2-secret@127.0.0.1:9/vigil"
        let outcome = try await OwnThread.run {
            try TestEnvironment.run(
                TestEnvironment.vigil, ["run", job.path, "--shard", "0/2", "--run-id", "r", "--quiet"],
                environment: ShardShareTests.environment.merging([Self.variable: url]) { $1 })
        }
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("127.0.0.1:9"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("nothing was sent"))
        #expect(!outcome.standardError.contains("hunter2"))
        #expect(endpoint.answered == 0)
        #expect(!FileManager.default.fileExists(atPath: job.folder.appendingPathComponent("runs").path))
    }
}
