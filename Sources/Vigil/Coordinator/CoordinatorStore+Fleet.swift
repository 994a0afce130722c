import PostgresNIO

extension CoordinatorStore {
    /// The whole run as the server has it: what every shard spent, the cap, the items judged
    /// and the verdict (nil: no such run). `itemsPerSecond` is left to the caller, who sees two
    /// readings apart.
    /// `within`: how long the read may take (nil: the store's deadline).
    public func fleet(run: String, within limit: Duration? = nil) async throws(CoordinatorProblem) -> FleetFigures? {
        try await transaction("read the run's figures", inTransaction: false, within: limit) { connection, logger in
            for try await (spent, maxCost, judged, succeeded, shard, reason) in try await connection.query(
                """
                SELECT spent_pico, max_cost_pico, judged, succeeded, verdict_shard, verdict FROM vigil_runs
                WHERE run_id = \(run)
                """, logger: logger
            ).decode((Int64, Int64?, Int64, Int64, String?, String?).self) {
                return FleetFigures(
                    spent: Dollars(picodollars: spent), maxCost: maxCost.map { Dollars(picodollars: $0) },
                    judged: Int(judged), succeeded: Int(succeeded),
                    verdict: shard.flatMap { shard in reason.map { "shard \(shard): \($0)" } })
            }
            return nil
        }
    }
}
