import PostgresNIO

extension CoordinatorStore {
    /// Takes a token from the run's one bucket: the seconds to wait before sending (0: now).
    /// The same rule as one process's `RateLimiter`: bursts of at most one second's worth, and
    /// a caller that finds the bucket empty takes its token ahead and waits for it, so later
    /// callers queue behind it. nil when the run has no rate limit. (`vigil_take_token`: the
    /// rule, in the server.)
    public func takeToken(run: String) async throws(CoordinatorProblem) -> Double? {
        try await transaction("take a token from the run's rate limit", inTransaction: false) { connection, logger in
            for try await wait in try await connection.query("SELECT vigil_take_token(\(run))", logger: logger)
                .decode(Double?.self)
            {
                return wait
            }
            return nil
        }
    }
}
