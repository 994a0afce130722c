import Foundation
import Logging
import Synchronization
import Vigil

/// What the coordinator costs a request: a reservation and its settlement (two transactions
/// against PostgreSQL, each locking the run's row), timed one by one from `concurrency` tasks
/// of this process; and, as the peer, the same through the in-process `SpendLedger` an
/// uncoordinated shard uses. Prints one line of JSON.
enum CoordinatorBenchmark {
    static func run(url: String, run: String, reservations: Int, concurrency: Int) async throws -> String {
        let store = try await CoordinatorStore.open(try CoordinatorURL(url), logger: Logger(label: "bench"))
        // A cap no benchmark reaches: every reservation is granted, as in a run with room.
        try await store.join(
            run: run, jobSHA256: "bench", budget: BudgetSpec(maxCost: Dollars(usd: 1_000_000), maxTokens: nil),
            rateLimit: nil)
        final class Times: Sendable { let values = Mutex<[Double]>([]) }
        let times = Times()
        let cost = Dollars(usd: 0.0018)!
        let shard = "\(getpid())"
        let started = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<concurrency {
                group.addTask {
                    for _ in stride(from: task, to: reservations, by: concurrency) {
                        let start = Date()
                        guard
                            let id = try await store.reserve(run: run, shard: shard, cost: cost, tokens: 0, lease: 60)
                                .id
                        else { throw CoordinatorProblem(.lost, "a reservation was refused under a cap of $1M") }
                        try await store.settle(run: run, reservation: id, cost: cost, tokens: 0)
                        let elapsed = Date().timeIntervalSince(start)
                        times.values.withLock { $0.append(elapsed) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let wall = Date().timeIntervalSince(started)
        await store.close()
        let sorted = times.values.withLock { $0 }.sorted()
        let local = try await localLedger(reservations: reservations)
        func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1000) }
        return """
            {"reservations": \(sorted.count), "concurrency": \(concurrency), "median_ms": \(ms(sorted[sorted.count / 2])), \
            "p95_ms": \(ms(sorted[sorted.count * 95 / 100])), "per_second": \(String(format: "%.1f", Double(sorted.count) / wall)), \
            "wall_s": \(String(format: "%.3f", wall)), "start": \(started.timeIntervalSince1970), \
            "end": \(started.timeIntervalSince1970 + wall), "local_median_ms": \(String(format: "%.6f", local * 1000))}
            """
    }

    /// The median of a reservation and its settlement in the in-process ledger.
    static func localLedger(reservations: Int) async throws -> Double {
        let ledger = SpendLedger(
            budget: BudgetSpec(maxCost: Dollars(usd: 1_000_000), maxTokens: nil),
            pricing: PricingSpec(input: Dollars(picodollars: 1_000_000), output: Dollars(picodollars: 4_000_000)),
            outputBound: 200)
        var times: [Double] = []
        for _ in 0..<reservations {
            let start = Date()
            guard case .granted(let reservation) = await ledger.reserve(InputSize(bytes: 400, isImage: false)) else {
                throw CoordinatorProblem(.lost, "the local ledger refused a reservation")
            }
            ledger.release(reservation)
            times.append(Date().timeIntervalSince(start))
        }
        return times.sorted()[times.count / 2]
    }
}
