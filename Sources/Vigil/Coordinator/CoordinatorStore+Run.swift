import PostgresNIO

extension CoordinatorStore {
    /// Enters a run (the first shard to come creates it with the job's caps; the others find
    /// it). A run id is one job's: a shard of another job under the same id is refused, as
    /// the job's digest differs. `settingCaps`: `budget` becomes the run's caps even if the run
    /// exists (a resume under a new cap, `--max-cost`, which is the whole run's).
    public func join(
        run: String, jobSHA256: String, budget: BudgetSpec?, rateLimit: ExecutionSpec.RateLimit?,
        settingCaps: Bool = false
    ) async throws(CoordinatorProblem) {
        let url = self.url
        let maxCost = budget?.maxCost?.picodollars
        let maxTokens = budget?.maxTokens.map(Int64.init)
        let rate = rateLimit.map { Double($0.requests) / max($0.per.seconds, 0.001) }
        // The burst of one process: one second's worth, at most the whole period's.
        let capacity = rateLimit.map { min(Double(max(1, $0.requests)), max(1, (rate ?? 1).rounded(.up))) }
        try await transaction("enter run \(run)") { connection, logger in
            try await connection.query(
                """
                INSERT INTO vigil_runs (run_id, job_sha256, max_cost_pico, max_tokens, rate_per_second,
                    bucket_capacity, bucket_tokens, bucket_at)
                VALUES (\(run), \(jobSHA256), \(maxCost), \(maxTokens), \(rate), \(capacity), \(capacity),
                    clock_timestamp())
                ON CONFLICT (run_id) DO NOTHING
                """, logger: logger)
            for try await recorded in try await connection.query(
                "SELECT job_sha256 FROM vigil_runs WHERE run_id = \(run)", logger: logger
            ).decode(String.self) where recorded != jobSHA256 {
                throw CoordinatorProblem(
                    .otherJob,
                    "run id \(run) is another job's at the coordinator \(url.redacted) (its job file's sha256 is \(recorded.prefix(12))…, this one's \(jobSHA256.prefix(12))…): give this run its own --run-id"
                )
            }
            if settingCaps {
                try await connection.query(
                    """
                    UPDATE vigil_runs SET max_cost_pico = \(maxCost), max_tokens = \(maxTokens),
                        updated_at = clock_timestamp() WHERE run_id = \(run)
                    """, logger: logger)
            }
        }
    }

    /// Removes the runs not touched for `seconds` (`vigil coordinator prune --older-than`),
    /// with their reservations; returns their ids.
    public func prune(olderThan seconds: Double) async throws(CoordinatorProblem) -> [String] {
        try await transaction("prune old runs") { connection, logger in
            var removed: [String] = []
            for try await run in try await connection.query(
                """
                DELETE FROM vigil_runs WHERE updated_at < clock_timestamp() - make_interval(secs => \(seconds))
                RETURNING run_id
                """, logger: logger
            ).decode(String.self) {
                removed.append(run)
            }
            return removed.sorted()
        }
    }
}
