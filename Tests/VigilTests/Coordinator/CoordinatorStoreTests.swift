import Foundation
import Logging
import Synchronization
import Testing
import Vigil

/// The coordinator's store against a real PostgreSQL (a throwaway cluster): its tables,
/// versioned; one budget that no interleaving of shards crosses; leases that return a killed
/// shard's reservations; one token bucket; one verdict; what it says when the server is gone.
@Suite(TestPostgres.needed, .timeLimit(.minutes(4)))
struct CoordinatorStoreTests {
    static let logger = Logger(label: "coordinator-test")

    /// A store whose transactions may take a minute: the suite runs beside eighty others on
    /// two cores, and a verdict's transaction once took over the usual 10 s there.
    static func open(_ url: String) async throws -> CoordinatorStore {
        try await CoordinatorStore.open(try CoordinatorURL(url), logger: logger, deadline: .seconds(60))
    }

    @Test func theTablesAreMadeOnceAndANewerVersionIsRefused() async throws {
        let url = try await TestPostgres.freshDatabase()
        // Eight shards starting together on an empty database: one migration.
        let opened = await withTaskGroup(of: Result<CoordinatorStore, any Error>.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do { return .success(try await Self.open(url)) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        // Every store that opened is closed (a connection dropped unclosed is a crash).
        for case .success(let store) in opened { await store.close() }
        for case .failure(let error) in opened { Issue.record(error) }
        let cluster = try await TestPostgres.cluster()
        let database = String(url.split(separator: "/").last!)
        try await TestPostgres.psql(cluster, "UPDATE vigil_coordinator_schema SET version = 2", database: database)
        do {
            let store = try await Self.open(url)
            await store.close()
            Issue.record("a newer schema was used")
        } catch let problem as CoordinatorProblem {
            #expect(problem.kind == .newerSchema)
            #expect(problem.description.contains("version 2, made by a newer Vigil"))
            #expect(!problem.description.contains("vigil-secret-pw"))
        }
    }

    @Test func anUnreachableServerIsNamedWithoutItsPassword() async throws {
        // A port held, not listened on, while the store tries it (a port closed and named
        // later may be another test's by then).
        let (socket, port) = try Self.boundSocket(listening: false)
        defer { close(socket) }
        let started = Date()
        do {
            let store = try await Self.open("postgres://vigil:hunter2-long-password@127.0.0.1:\(port)/vigil")
            await store.close()
            Issue.record("connected to nothing")
        } catch let problem as CoordinatorProblem {
            #expect(problem.kind == .unreachable)
            #expect(problem.description.contains("postgres://vigil:***@127.0.0.1:\(port)/vigil"), "\(problem)")
            #expect(!problem.description.contains("hunter2"))
        }
        // Not stuck: a bound far from the refusal's milliseconds, because beside eighty suites
        // whose blocking waits hold the two cooperative threads, both of these tests once
        // resumed 31 s late, together (the message says the deadline itself fired).
        #expect(Date().timeIntervalSince(started) < 120)
    }

    /// A server that takes the connection and never answers (hung, or not PostgreSQL) fails
    /// the open at the deadline; it does not hold the shard.
    @Test func aServerThatNeverAnswersIsGivenUpOnAtTheDeadline() async throws {
        let (socket, port) = try Self.boundSocket(listening: true)
        defer { close(socket) }
        let url = try CoordinatorURL("postgres://vigil:pw@127.0.0.1:\(port)/vigil")
        let started = Date()
        do {
            let store = try await CoordinatorStore.open(url, logger: Self.logger, deadline: .seconds(2))
            await store.close()
            Issue.record("a silent server was taken for a coordinator")
        } catch {
            #expect(error.kind == .unreachable)
            #expect(error.description.contains("no answer within 2"), "\(error)")
        }
        #expect(Date().timeIntervalSince(started) < 120)
    }

    /// A socket bound to a port of 127.0.0.1 chosen by the system, listening (a backlog that is
    /// never accepted from: a server that says nothing) or not (a port that refuses).
    static func boundSocket(listening: Bool) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in(
            sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")),
            sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound, !listening || listen(descriptor, 8) == 0 else {
            close(descriptor)
            throw TestFailure("no port on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test func aRunIdIsOneJobs() async throws {
        let store = try await Self.open(try await TestPostgres.freshDatabase())
        defer { Task { await store.close() } }
        try await store.join(run: "r1", jobSHA256: "aaaa", budget: nil, rateLimit: nil)
        try await store.join(run: "r1", jobSHA256: "aaaa", budget: nil, rateLimit: nil)
        do {
            try await store.join(run: "r1", jobSHA256: "bbbb", budget: nil, rateLimit: nil)
            Issue.record("a second job joined run r1")
        } catch {
            #expect(error.kind == .otherJob)
            #expect(error.description.contains("give this run its own --run-id"))
        }
    }

    /// The property: however shards interleave, what they spend never crosses the cap. Eight
    /// stores (eight connection pools, as eight shard processes have) reserve the longest
    /// answer's cost, then settle what the answer cost (up to the reservation), or never settle
    /// (a shard killed mid-request: its reservation holds until its lease runs out).
    @Test(arguments: [1, 2, 3]) func noInterleavingCrossesTheCap(seed: Int) async throws {
        let url = try await TestPostgres.freshDatabase()
        let cap = Dollars(usd: 0.05)!
        let request = Dollars(usd: 0.0018)!
        let setup = try await Self.open(url)
        try await setup.join(
            run: "r", jobSHA256: "j", budget: BudgetSpec(maxCost: cap, maxTokens: nil), rateLimit: nil)
        final class Settled: Sendable { let total = Mutex(Dollars.zero) }
        let settled = Settled()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for shard in 0..<8 {
                group.addTask {
                    var generator = SeededGenerator(seed: UInt64(seed * 100 + shard))
                    let store = try await Self.open(url)
                    do {
                        for _ in 0..<30 {
                            // A shard killed mid-request never settles: its reservation holds
                            // until its (short) lease runs out. One that is answered settles
                            // within its lease (twice the request's timeout, in a run).
                            let killed = Int.random(in: 0..<10, using: &generator) == 0
                            guard
                                let id = try await store.reserve(
                                    run: "r", shard: "\(shard)/8", cost: request, tokens: 0, lease: killed ? 0.5 : 120
                                ).id
                            else {
                                try await Task.sleep(for: .milliseconds(Int.random(in: 5...40, using: &generator)))
                                continue
                            }
                            if killed { continue }
                            let cost = Dollars(
                                picodollars: Int64.random(
                                    in: request.picodollars / 2...request.picodollars, using: &generator))
                            try await store.settle(run: "r", reservation: id, cost: cost, tokens: 0)
                            settled.total.withLock { $0 += cost }
                            let totals = try #require(try await store.totals(run: "r"))
                            #expect(totals.spent.cost <= cap)
                            #expect(totals.spent.cost + totals.reserved.cost <= cap)
                        }
                    } catch {
                        await store.close()
                        throw error
                    }
                    await store.close()
                }
            }
            try await group.waitForAll()
        }
        let totals = try #require(try await setup.totals(run: "r"))
        #expect(totals.spent.cost == settled.total.withLock { $0 })
        #expect(totals.spent.cost <= cap)
        // The cap was used, not refused early (240 tries, 28 requests' worth at most).
        #expect(totals.spent.cost * 2 >= cap, "spent \(totals.spent.cost) of \(cap)")
        await setup.close()
    }

    @Test func aKilledShardsReservationsReturnAfterTheLease() async throws {
        let url = try await TestPostgres.freshDatabase()
        let store = try await Self.open(url)
        let cap = Dollars(usd: 0.01)!
        try await store.join(
            run: "r", jobSHA256: "j", budget: BudgetSpec(maxCost: cap, maxTokens: 1000), rateLimit: nil)
        // The whole cap held by a shard that will never settle: refused while its lease runs.
        let held = try await store.reserve(run: "r", shard: "0/2", cost: cap, tokens: 10, lease: 600)
        #expect(held.id != nil)
        // Not now (it fits once the other's reservation has ended), not never.
        #expect(
            try await store.reserve(run: "r", shard: "1/2", cost: Dollars(usd: 0.001)!, tokens: 1, lease: 10) == .wait)
        // Its lease runs out (set to have ended a second ago, as after 600 s: a loaded machine
        // may take longer than a short lease between two calls); then it is free.
        let database = String(url.split(separator: "/").last!)
        try await TestPostgres.psql(
            try await TestPostgres.cluster(),
            "UPDATE vigil_reservations SET expires_at = clock_timestamp() - interval '1 second'", database: database)
        #expect(
            try await store.reserve(run: "r", shard: "1/2", cost: Dollars(usd: 0.001)!, tokens: 1, lease: 600).id != nil
        )
        // A short lease ends by itself (waiting longer than it only makes that surer): $0.009
        // fits again only once it has.
        let short = try await store.reserve(run: "r", shard: "1/2", cost: Dollars(usd: 0.009)!, tokens: 1, lease: 1)
        let shortID = try #require(short.id)
        try await Task.sleep(for: .seconds(1.5))
        // A lapsed reservation is not renewed (what it held may be another's by now).
        #expect(try await store.renew(run: "r", reservation: shortID, lease: 600) == false)
        #expect(
            try await store.reserve(run: "r", shard: "1/2", cost: Dollars(usd: 0.009)!, tokens: 1, lease: 600).id != nil
        )
        // A live one is.
        let live = try #require(
            try await store.reserve(run: "r", shard: "1/2", cost: .zero, tokens: 1, lease: 600).id)
        #expect(try await store.renew(run: "r", reservation: live, lease: 600))
        // A token cap is kept the same way; what can never fit says so.
        #expect(try await store.reserve(run: "r", shard: "1/2", cost: .zero, tokens: 1000, lease: 10) == .wait)
        #expect(
            try await store.reserve(run: "r", shard: "1/2", cost: cap + Dollars(usd: 0.001)!, tokens: 1, lease: 10)
                == .exhausted)
        await store.close()
    }

    /// One bucket for all: 4 stores taking tokens as fast as they are given, under 10/s; the
    /// grant times (each taker's own clock after its wait) are never ahead of one bucket (its
    /// one-second burst, then 10/s).
    @Test func oneBucketForEveryShard() async throws {
        let url = try await TestPostgres.freshDatabase()
        let setup = try await Self.open(url)
        try await setup.join(
            run: "r", jobSHA256: "j", budget: nil,
            rateLimit: ExecutionSpec.RateLimit(requests: 10, per: try #require(JobDuration("1s"))))
        let start = Date().timeIntervalSince1970
        let grants = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = try await Self.open(url)
                    var times: [Double] = []
                    for _ in 0..<8 {
                        let wait = try #require(try await store.takeToken(run: "r"))
                        try await Task.sleep(for: .milliseconds(Int((wait * 1000).rounded(.up))))
                        times.append(Date().timeIntervalSince1970)
                    }
                    await store.close()
                    return times
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }.sorted()
        }
        #expect(grants.count == 32)
        for (index, time) in grants.enumerated() {
            #expect(Double(index + 1) <= 10 + (time - start) * 10 + 1, "grant \(index + 1) at \(time - start) s")
        }
        // 32 tokens at 10/s after a burst of 10 take at least 2.1 s.
        #expect(grants.last! - start >= 2.0)
        #expect(try await setup.takeToken(run: "none") == nil)
        await setup.close()
    }

    @Test func theFirstVerdictStands() async throws {
        let store = try await Self.open(try await TestPostgres.freshDatabase())
        try await store.join(run: "r", jobSHA256: "j", budget: nil, rateLimit: nil)
        #expect(try await store.verdict(run: "r") == nil)
        let first = try await store.abort(run: "r", shard: "2/4", reason: "success rate 0% after 5 items")
        #expect(first == CoordinatorStore.SharedVerdict(shard: "2/4", reason: "success rate 0% after 5 items"))
        let second = try await store.abort(run: "r", shard: "0/4", reason: "another")
        #expect(second == first)
        await store.close()
    }

    /// Another shard's abort reaches a waiting shard by its notification, not by the poll
    /// (here once a minute).
    @Test func aVerdictIsPushedToEveryWaitingShard() async throws {
        let url = try await TestPostgres.freshDatabase()
        let waiting = try await Self.open(url)
        let aborting = try await Self.open(url)
        try await waiting.join(run: "r", jobSHA256: "j", budget: nil, rateLimit: nil)
        let heard = Task { () throws -> (CoordinatorStore.SharedVerdict, Date) in
            (try await waiting.waitForVerdict(run: "r", poll: .seconds(60)), Date())
        }
        // The listener is in place once its session has run LISTEN (and the first read, before
        // it, found nothing: the run had no verdict yet).
        let database = String(url.split(separator: "/").last!)
        let cluster = try await TestPostgres.cluster()
        let deadline = Date().addingTimeInterval(60)
        while try await TestPostgres.psql(
            cluster, "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(database)' AND query LIKE 'LISTEN%'")
            == "0", Date() < deadline
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        let sent = Date()
        _ = try await aborting.abort(run: "r", shard: "3/4", reason: "success rate 0% after 5 items")
        let (verdict, when) = try await heard.value
        #expect(verdict.shard == "3/4")
        // Well before the minute's poll: it was pushed (a loaded machine may take seconds).
        #expect(when.timeIntervalSince(sent) < 30, "heard \(when.timeIntervalSince(sent)) s after the abort")
        await waiting.close()
        await aborting.close()
    }

    @Test func prunedRunsAreTheOldOnes() async throws {
        let url = try await TestPostgres.freshDatabase()
        let store = try await Self.open(url)
        try await store.join(run: "old", jobSHA256: "j", budget: nil, rateLimit: nil)
        try await store.join(run: "new", jobSHA256: "j", budget: nil, rateLimit: nil)
        let database = String(url.split(separator: "/").last!)
        try await TestPostgres.psql(
            try await TestPostgres.cluster(),
            "UPDATE vigil_runs SET updated_at = clock_timestamp() - interval '40 days' WHERE run_id = 'old'",
            database: database)
        #expect(try await store.prune(olderThan: 30 * 86_400) == ["old"])
        #expect(try await store.totals(run: "new") != nil)
        #expect(try await store.totals(run: "old") == nil)
        await store.close()
    }

    /// The server stops mid-run (an immediate stop: a crash to its clients): the store says so
    /// (no request may go out without a reservation), and after the restart nothing was lost or
    /// overspent.
    @Test
    func aServerRestartLosesNothingAndOverspendsNothing() async throws {
        let cluster = try await TestPostgres.startCluster()
        let store = try await Self.open(cluster.url)
        let cap = Dollars(usd: 0.01)!
        try await store.join(run: "r", jobSHA256: "j", budget: BudgetSpec(maxCost: cap, maxTokens: nil), rateLimit: nil)
        let id = try #require(try await store.reserve(run: "r", shard: "0/1", cost: cap, tokens: 0, lease: 600).id)
        try await TestPostgres.stop(cluster)
        do {
            _ = try await store.reserve(run: "r", shard: "0/1", cost: Dollars(usd: 0.001)!, tokens: 0, lease: 60)
            Issue.record("a reservation was granted with the server down")
        } catch {
            #expect(error.kind == .lost)
        }
        try await TestPostgres.start(cluster)
        // The pool reconnects; the reservation made before the crash still holds the cap.
        var afterRestart: CoordinatorStore.SharedGrant?
        let deadline = Date().addingTimeInterval(60)
        while afterRestart == nil && Date() < deadline {
            do {
                afterRestart = try await store.reserve(
                    run: "r", shard: "0/1", cost: Dollars(usd: 0.001)!, tokens: 0, lease: 60)
            } catch {
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        #expect(afterRestart == .wait, "refused: the cap is held by the reservation made before the crash")
        try await store.settle(run: "r", reservation: id, cost: cap, tokens: 0)
        let totals = try #require(try await store.totals(run: "r"))
        #expect(totals.spent.cost == cap)
        #expect(totals.reserved.cost == .zero)
        #expect(
            try await store.reserve(run: "r", shard: "0/1", cost: Dollars(usd: 0.001)!, tokens: 0, lease: 60)
                == .exhausted)
        await store.close()
        try await TestPostgres.stop(cluster)
    }
}
