import JSONSchema

/// A shard's link to the coordinator (`coordinator:` in the job): the state it shares with the
/// other shards of its run, through `CoordinatorStore`. Every request's reservation is the
/// run's (granted only when it fits under the run's caps with everything spent and held
/// anywhere), every token comes from the run's one bucket, every judged item counts in the
/// run's thresholds, and an abort is the run's.
///
/// When the coordinator is lost mid-run, no request goes out without its reservation: the
/// shard is asked to stop (`lost`), finishes what is in flight, and ends as interrupted, to be
/// resumed once the server is back.
public struct RunCoordination: Sendable {
    public let store: CoordinatorStore
    /// The run id every shard shares.
    public let runID: String
    /// This shard (`I/N`), as reservations and the verdict name it.
    public let shard: String
    /// Seconds a reservation counts when its shard never settles it (killed mid-request).
    public let lease: Double
    /// The job's sliding window, in outcomes (0: none).
    let window: Int
    /// Whether the run's requests are paced by the run's one bucket (`execution.rate_limit`).
    let pacesRequests: Bool
    /// Set by the engine: asks the run to stop as interrupted, saying why.
    let lost: @Sendable (String) -> Void

    /// A link for `shard` of run `runID` of `job`, on an open, joined `store`.
    public init(store: CoordinatorStore, runID: String, shard: String, job: JobSpec) {
        self.init(
            store: store, runID: runID, shard: shard, lease: Self.lease(for: job),
            window: job.thresholds.window?.count ?? 0, pacesRequests: job.execution.rateLimit != nil, lost: { _ in })
    }

    private init(
        store: CoordinatorStore, runID: String, shard: String, lease: Double, window: Int, pacesRequests: Bool,
        lost: @escaping @Sendable (String) -> Void
    ) {
        (self.store, self.runID, self.shard, self.lease) = (store, runID, shard, lease)
        (self.window, self.pacesRequests, self.lost) = (window, pacesRequests, lost)
    }

    /// The same link, telling `stop` when the coordinator is lost.
    func reporting(to stop: @escaping @Sendable (String) -> Void) -> RunCoordination {
        RunCoordination(
            store: store, runID: runID, shard: shard, lease: lease, window: window, pacesRequests: pacesRequests,
            lost: stop)
    }

    /// About twice the request's timeout: a request answered within its timeout is settled
    /// well before its lease ends; a shard killed mid-request holds its reservation no longer.
    public static func lease(for job: JobSpec) -> Double {
        2 * (job.model.timeout?.seconds ?? 120)
    }

    /// What the run's budget said to one request.
    enum Reserved {
        case granted(Int64)
        /// Never: what the run spent leaves no room for it.
        case exhausted
        /// A stop came while it waited, or the coordinator was lost: not sent, the item stays to do.
        case stopped
    }

    /// Reserves `amount` from the run's budget: waits (a fifth of a second between asks) while
    /// reservations elsewhere hold what it needs.
    func reserve(_ amount: SpendLedger.Amount, stop: StopRequest) async -> Reserved {
        while true {
            do {
                switch try await store.reserve(
                    run: runID, shard: shard, cost: amount.cost, tokens: amount.tokens, lease: lease)
                {
                case .granted(let id): return .granted(id)
                case .exhausted: return .exhausted
                case .wait: try await stop.sleep(for: .milliseconds(200))
                }
            } catch let problem as CoordinatorProblem {
                lost(because: problem)
                return .stopped
            } catch {
                return .stopped
            }
        }
    }

    /// Before sending after a long wait: renews reservation `id`'s lease, or, when it ran out
    /// meanwhile, reserves `amount` again (a request is never sent on a lapsed reservation:
    /// what it held may have gone to another shard).
    func keep(_ id: Int64, _ amount: SpendLedger.Amount, stop: StopRequest) async -> Reserved {
        do {
            if try await store.renew(run: runID, reservation: id, lease: lease) { return .granted(id) }
        } catch {
            lost(because: error)
            return .stopped
        }
        return await reserve(amount, stop: stop)
    }

    /// Commits what reservation `id`'s request counts for (`amount`; zero releases it) and
    /// ends the reservation, in one transaction.
    func settle(_ id: Int64, counting amount: SpendLedger.Amount) async {
        do {
            try await store.settle(run: runID, reservation: id, cost: amount.cost, tokens: amount.tokens)
        } catch {
            // The reservation holds until its lease ends: the run's cap is kept all the same.
            lost(because: error)
        }
    }

    /// Waits for a token of the run's one bucket. Throws when a stop comes while it waits, or
    /// the coordinator is lost (the request is not sent).
    func waitForToken(stop: StopRequest) async throws {
        let wait: Double?
        do {
            wait = try await store.takeToken(run: runID)
        } catch {
            lost(because: error)
            throw CancellationError()
        }
        if let wait, wait > 0 { try await stop.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up)))) }
    }

    /// Counts a judged outcome in the run's thresholds: the run's counts just after it (nil
    /// when the coordinator was lost: the run is stopping).
    func judge(success: Bool) async -> ThresholdTally? {
        do {
            return try await store.judge(run: runID, success: success, window: window)
        } catch {
            lost(because: error)
            return nil
        }
    }

    /// Records this shard's abort as the run's verdict (unless one stands already) and tells
    /// every shard.
    func announceAbort(_ reason: String) async {
        do {
            _ = try await store.abort(run: runID, shard: shard, reason: reason)
        } catch {
            lost(because: error)
        }
    }

    /// The whole run as the coordinator has it now, for the manifest: the server (its
    /// password masked), the run, this shard, and the fleet's figures (`FleetFigures`). Read
    /// even when the caller is being cancelled (a run stopping at once still writes its
    /// manifest), with half a minute: nothing waits on it but the manifest (a loaded server
    /// once left a shard's record without the run's verdict).
    func fleet() async -> JSONValue {
        var record = JSONObject()
        let (store, runID) = (self.store, self.runID)
        do {
            let read = Task { try await store.fleet(run: runID, within: .seconds(30)) }
            if case .object(let figures)? = try await read.value?.json { record = figures }
        } catch {
            record["unread"] = .string("\(error)")
        }
        record["server"] = .string(store.url.redacted)
        record["run_id"] = .string(runID)
        record["shard"] = .string(shard)
        return .object(record)
    }

    /// Stops the run as interrupted: the coordinator cannot be reached. (A call that failed
    /// because its task was cancelled, the run stopping already, says nothing of the server.)
    func lost(because error: any Error) {
        if Task.isCancelled { return }
        lost(
            "the coordinator was lost (\(error)); no request goes out without its reservation, so this shard stopped: resume it once the server is back"
        )
    }
}
