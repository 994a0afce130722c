import PostgresNIO

extension CoordinatorStore {
    /// Takes a token from the run's one bucket: the seconds to wait before sending (0: now).
    /// The same rule as one process's `RateLimiter`: bursts of at most one second's worth, and
    /// a caller that finds the bucket empty takes its token ahead and waits for it, so later
    /// callers queue behind it. nil when the run has no rate limit.
    public func takeToken(run: String) async throws(CoordinatorProblem) -> Double? {
        try await transaction("take a token from the run's rate limit") { connection, logger in
            var bucket: (rate: Double, capacity: Double, tokens: Double, elapsed: Double)?
            for try await (rate, capacity, tokens, elapsed) in try await connection.query(
                """
                SELECT rate_per_second, bucket_capacity, bucket_tokens,
                    extract(epoch FROM clock_timestamp() - bucket_at)::double precision
                FROM vigil_runs WHERE run_id = \(run) FOR UPDATE
                """, logger: logger
            ).decode((Double?, Double?, Double?, Double?).self) {
                if let rate, let capacity, let tokens, let elapsed {
                    bucket = (rate, capacity, tokens, max(0, elapsed))
                }
            }
            guard let bucket else { return nil }
            let refilled = min(bucket.capacity, bucket.tokens + bucket.elapsed * bucket.rate) - 1
            try await connection.query(
                """
                UPDATE vigil_runs SET bucket_tokens = \(refilled), bucket_at = clock_timestamp(),
                    updated_at = clock_timestamp()
                WHERE run_id = \(run)
                """, logger: logger)
            return refilled >= 0 ? 0 : -refilled / bucket.rate
        }
    }
}
