import PostgresNIO

extension CoordinatorStore {
    /// The channel every shard listens on; a notification's payload is the run id.
    static let verdictChannel = "vigil_verdict"

    /// A run's verdict: which shard gave it, and why.
    public struct SharedVerdict: Sendable, Equatable {
        public var shard: String
        public var reason: String

        public init(shard: String, reason: String) {
            self.shard = shard
            self.reason = reason
        }
    }

    /// Records that `shard` aborts the run, unless a verdict is there already (the first one
    /// stands), and tells every listening shard. Returns the verdict that stands.
    public func abort(run: String, shard: String, reason: String) async throws(CoordinatorProblem) -> SharedVerdict {
        try await transaction("record the run's verdict") { connection, logger in
            try await connection.query(
                """
                UPDATE vigil_runs SET verdict = \(reason), verdict_shard = \(shard), verdict_at = clock_timestamp(),
                    updated_at = clock_timestamp()
                WHERE run_id = \(run) AND verdict IS NULL
                """, logger: logger)
            // Delivered at the commit, to every session listening.
            try await connection.query("SELECT pg_notify(\(Self.verdictChannel), \(run))", logger: logger)
            return try await Self.verdict(run, connection, logger) ?? SharedVerdict(shard: shard, reason: reason)
        }
    }

    /// The run's verdict, if a shard gave one.
    public func verdict(run: String) async throws(CoordinatorProblem) -> SharedVerdict? {
        try await transaction("read the run's verdict") { connection, logger in
            try await Self.verdict(run, connection, logger)
        }
    }

    /// Waits until the run has a verdict, and returns it: woken within a moment by the
    /// notification `abort` sends, and checking every `poll` in any case (a notification sent
    /// while the listening connection was being made again is not lost). Cancel the task to
    /// stop waiting; throws when the coordinator cannot be read.
    public func waitForVerdict(run: String, poll: Duration = .seconds(1)) async throws(CoordinatorProblem)
        -> SharedVerdict
    {
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let link = self.link
        let listening = Task {
            while !Task.isCancelled {
                try? await link.listen(on: Self.verdictChannel) { payload in
                    if payload == run { wake.yield() }
                }
                try? await Task.sleep(for: poll)
            }
        }
        defer { listening.cancel() }
        let poller = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: poll)
                wake.yield()
            }
        }
        defer { poller.cancel() }
        var iterator = wakes.makeAsyncIterator()
        while true {
            if let verdict = try await verdict(run: run) { return verdict }
            guard await iterator.next() != nil, !Task.isCancelled else {
                throw CoordinatorProblem(.lost, "stopped waiting for run \(run)'s verdict")
            }
        }
    }

    static func verdict(_ run: String, _ connection: PostgresConnection, _ logger: Logger) async throws
        -> SharedVerdict?
    {
        for try await (shard, reason) in try await connection.query(
            "SELECT verdict_shard, verdict FROM vigil_runs WHERE run_id = \(run)", logger: logger
        ).decode((String?, String?).self) {
            if let shard, let reason { return SharedVerdict(shard: shard, reason: reason) }
        }
        return nil
    }
}

extension CoordinatorStore {
    /// Counts one judged outcome in the run's thresholds (a sliding window of `window`
    /// outcomes, 0: none) and returns the run's counts just after it. (`vigil_judge`.)
    public func judge(run: String, success: Bool, window: Int) async throws(CoordinatorProblem) -> ThresholdTally {
        try await transaction("count an item in the run's thresholds", inTransaction: false) { connection, logger in
            for try await row in try await connection.query(
                "SELECT * FROM vigil_judge(\(run), \(success), \(Int32(window)))", logger: logger
            ).decode((Int64, Int64, Int64, Int32, Int32, Int32, Int32).self) {
                return ThresholdTally(
                    judged: Int(row.0), succeeded: Int(row.1), consecutiveFailures: Int(row.2),
                    windowSuccesses: Int(row.3), windowFilled: Int(row.4), windowSuccessesBefore: Int(row.5),
                    windowFilledBefore: Int(row.6))
            }
            throw CoordinatorProblem(.lost, "the coordinator did not answer with the run's counts")
        }
    }
}
