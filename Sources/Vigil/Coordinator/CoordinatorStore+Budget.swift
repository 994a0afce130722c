import PostgresNIO

extension CoordinatorStore {
    /// What a run has spent, and what its reservations still hold.
    public struct BudgetTotals: Sendable, Equatable {
        public var spent: SpendLedger.Amount
        public var reserved: SpendLedger.Amount
    }

    /// What the run's budget said to one request's reservation.
    public enum SharedGrant: Sendable, Equatable {
        /// Send it; settle reservation `id` when it ends.
        case granted(Int64)
        /// Not now: reservations in flight hold what it needs (ask again when some have ended).
        case wait
        /// Never: what the run has spent leaves no room for it.
        case exhausted

        /// The reservation's id, when granted.
        public var id: Int64? {
            if case .granted(let id) = self { return id }
            return nil
        }
    }

    /// Reserves `cost` and `tokens` for one request of `shard`: granted only when what every
    /// shard has spent, plus every reservation not yet expired anywhere, plus this one, fits
    /// under each cap. The reservation holds for `lease` seconds unless settled first.
    /// (`vigil_reserve`: the rule, in the server.)
    public func reserve(
        run: String, shard: String, cost: Dollars, tokens: Int, lease: Double
    ) async throws(CoordinatorProblem) -> SharedGrant {
        try await transaction("reserve a request's cost", inTransaction: false) { connection, logger in
            for try await id in try await connection.query(
                "SELECT vigil_reserve(\(run), \(shard), \(cost.picodollars), \(Int64(tokens)), \(lease))",
                logger: logger
            ).decode(Int64?.self) {
                guard let id else { return .wait }
                return id == 0 ? .exhausted : .granted(id)
            }
            return .wait
        }
    }

    /// Makes reservation `id` hold for `lease` seconds from now, if it still holds (false:
    /// its lease ran out; reserve again). (`vigil_renew`.)
    public func renew(run: String, reservation id: Int64, lease: Double) async throws(CoordinatorProblem) -> Bool {
        try await transaction("renew a request's reservation", inTransaction: false) { connection, logger in
            for try await renewed in try await connection.query(
                "SELECT vigil_renew(\(run), \(id), \(lease))", logger: logger
            ).decode(Bool.self) {
                return renewed
            }
            return false
        }
    }

    /// Releases reservation `id` and commits what its request cost, in one transaction: the
    /// spend and the release are never seen apart. A reservation whose lease ran out still
    /// settles (its request was answered, and the answer is paid for).
    public func settle(
        run: String, reservation id: Int64, cost: Dollars, tokens: Int
    ) async throws(CoordinatorProblem) {
        try await transaction("record a request's cost", inTransaction: false) { connection, logger in
            try await connection.query(
                "SELECT vigil_settle(\(run), \(id), \(cost.picodollars), \(Int64(tokens)))", logger: logger)
        }
    }

    /// What the run has spent and holds now.
    public func totals(run: String) async throws(CoordinatorProblem) -> BudgetTotals? {
        try await transaction("read the run's spend") { connection, logger in
            try await Self.lockedTotals(run, connection, logger)?.1
        }
    }

    /// Locks the run's row (shards are served one at a time from here to the commit) and reads
    /// its caps, its spend and its live reservations.
    static func lockedTotals(
        _ run: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> (BudgetSpec, BudgetTotals)? {
        var found: (BudgetSpec, SpendLedger.Amount)?
        for try await (maxCost, maxTokens, spent, spentTokens) in try await connection.query(
            "SELECT max_cost_pico, max_tokens, spent_pico, spent_tokens FROM vigil_runs WHERE run_id = \(run) FOR UPDATE",
            logger: logger
        ).decode((Int64?, Int64?, Int64, Int64).self) {
            found = (
                BudgetSpec(maxCost: maxCost.map { Dollars(picodollars: $0) }, maxTokens: maxTokens.map { Int($0) }),
                SpendLedger.Amount(cost: Dollars(picodollars: spent), tokens: Int(spentTokens))
            )
        }
        guard let (caps, spent) = found else { return nil }
        var reserved = SpendLedger.Amount()
        for try await (cost, tokens) in try await connection.query(
            """
            SELECT coalesce(sum(cost_pico), 0)::bigint, coalesce(sum(tokens), 0)::bigint FROM vigil_reservations
            WHERE run_id = \(run) AND expires_at > clock_timestamp()
            """, logger: logger
        ).decode((Int64, Int64).self) {
            reserved = SpendLedger.Amount(cost: Dollars(picodollars: cost), tokens: Int(tokens))
        }
        return (caps, BudgetTotals(spent: spent, reserved: reserved))
    }
}
