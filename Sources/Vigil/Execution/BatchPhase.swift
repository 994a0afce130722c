import Foundation
import JSONSchema
import Logging
import Synchronization

/// The part of a `model.batch` run after its live canary: the items left are written into
/// batch files (the live request bodies, under `custom_id` `vigil-N`), uploaded and
/// submitted, each file and batch id forced into `batches.jsonl` before anything waits on
/// it; the batches are polled with backoff, and each answer goes through the same judging
/// and recording as a live one (results.jsonl, failed.jsonl, thresholds, usage, cost at
/// the batch price). A threshold that fails cancels the batches still running; a stop
/// (Ctrl-C) leaves them running, for `vigil resume` to collect. A resume re-attaches to the
/// recorded batches and never sends an item that is in one.
struct BatchPhase {
    /// A batch this process waits on.
    struct OpenBatch {
        var report: BatchReport
        /// Its requests, in file order.
        var entries: [BatchJournal.Entry]
        var uploadedAt: Double
        /// What the budget holds for each request, by custom_id.
        var reservations: [String: SpendLedger.Reservation] = [:]
    }

    let engine: RunEngine
    let client: BatchClient
    let journal: BatchJournal
    let spec: BatchSpec
    /// Writes each request's body, byte for byte the live one.
    let bodies: OpenAIProvider
    /// `vigil cancel`: cancel the recorded batches, collect what they finished, send nothing.
    let cancelling: Bool
    var open: [OpenBatch] = []
    /// Items recorded by this phase (an answer may come in two downloads).
    var recorded = Set<String>()
    /// Since when every call to the endpoint has failed (nil: the last one worked).
    var unreachableSince: Double?
    var uploads = 0

    init(
        engine: RunEngine, client: BatchClient, journal: BatchJournal, spec: BatchSpec, bodies: OpenAIProvider,
        cancelling: Bool
    ) {
        self.engine = engine
        self.client = client
        self.journal = journal
        self.spec = spec
        self.bodies = bodies
        self.cancelling = cancelling
    }

    /// Items in the recorded batches that have not ended: not to be sent again.
    static func itemsInOpenBatches(_ journal: BatchJournal) -> Set<String> {
        Set(journal.open.flatMap { $0.entries.map(\.id) })
    }

    /// Re-attaches to the recorded batches, sends the items left (unless cancelling) and
    /// collects every answer, or stops as the run is told to.
    mutating func run(_ progress: inout RunProgress, pending: inout ItemQueue) async {
        guard await reattach(&progress) else { return }
        if cancelling {
            await cancelAll(because: "vigil cancel")
        } else {
            let busy = Self.itemsInOpenBatches(journal)
            await submit(from: &pending, progress: &progress) { !busy.contains($0) }
        }
        await poll(&progress)
    }

    // MARK: Re-attaching

    /// Every recorded batch that has not ended is waited on again; a file uploaded without a
    /// recorded batch is looked up at the endpoint (the process may have stopped between
    /// creating the batch and recording it); if no batch runs it, its items were never sent.
    private mutating func reattach(_ progress: inout RunProgress) async -> Bool {
        for file in journal.open {
            var batchID = file.batch
            if batchID == nil {
                do {
                    let found = try await retrying("looking for the batch over file \(file.file)") {
                        [client] () async throws(BatchError) in try await client.batch(overFile: file.file)
                    }
                    guard let found else { continue }
                    try journal.recordBatch(found.id, file: file.file)
                    batchID = found.id
                } catch {
                    interrupt(&progress, "cannot tell whether the uploaded file \(file.file) was submitted: \(error)")
                    return false
                }
            }
            guard let batchID else { continue }
            var batch = OpenBatch(
                report: BatchReport(batch: batchID, file: file.file, state: "unknown", requests: file.entries.count),
                entries: file.entries,
                uploadedAt: file.uploadedAt)
            for entry in file.entries where engine.belongs(entry.id) {
                if let amount = entry.reserved, engine.ledger.isCapped {
                    batch.reservations[entry.customID] = engine.ledger.hold(amount)
                }
            }
            open.append(batch)
        }
        publishInFlight(progress)
        return true
    }

    /// Asks the endpoint to cancel every open batch (what they finished is collected when
    /// they end; a run that stops now leaves that to a resume).
    mutating func cancelAll(because reason: String) async {
        for batch in open {
            do {
                _ = try await retrying("cancelling batch \(batch.report.batch)") {
                    [client] () async throws(BatchError) in try await client.cancel(batch.report.batch)
                }
                try journal.recordCancel(batch.report.batch)
            } catch {
                engine.options.logger.error(
                    "could not cancel batch \(batch.report.batch) (\(reason)): \(error); cancel it at the endpoint, or run vigil cancel"
                )
            }
        }
    }

    // MARK: Helpers

    /// A batch call, tried again after a retryable failure (with the job's retry delays)
    /// until the endpoint has been unreachable longer than `breaker.give_up_after`.
    mutating func retrying<T>(_ what: String, _ call: () async throws(BatchError) -> T) async throws(BatchError)
        -> T
    {
        var attempt = 0
        while true {
            do {
                let value = try await call()
                unreachableSince = nil
                return value
            } catch  where error.isRetryable {
                noteUnreachable(error)
                let giveUp = engine.job.execution.breaker.giveUpAfter.seconds
                if let since = unreachableSince, Timestamp.now() - since > giveUp {
                    throw BatchError(
                        "\(what): the endpoint has been unreachable longer than breaker.give_up_after (\(engine.job.execution.breaker.giveUpAfter)): \(error)"
                    )
                }
                if engine.stopReason != nil || Task.isCancelled { throw error }
                let retries = engine.job.execution.retries
                attempt += 1
                await engine.sleepUnlessStopped(
                    seconds: min(
                        retries.maximumDelay.seconds, retries.initialDelay.seconds * pow(2, Double(attempt - 1))))
            }
        }
    }

    mutating func noteUnreachable(_ error: BatchError) {
        if unreachableSince == nil { unreachableSince = Timestamp.now() }
        engine.options.logger.warning("\(error); trying again")
    }

    func ended(_ item: InputItem, sha256: String?, sent: SentImage? = nil, attempts: Int = 1) -> EndedItem {
        EndedItem(
            item: item, attempts: max(1, attempts), latency: 0, usage: TokenUsage(), spend: Spend(), sha256: sha256,
            sent: sent)
    }

    mutating func record(_ outcome: ItemOutcome, _ progress: inout RunProgress) {
        switch outcome {
        case .success(let ended, _), .failure(let ended, _): recorded.insert(ended.item.id)
        default: break
        }
        engine.record(outcome, &progress)
    }

    /// Requests in the open batches not yet recorded: the run's "in flight".
    func publishInFlight(_ progress: RunProgress) {
        let inFlight = open.reduce(0) {
            $0 + $1.entries.filter { engine.belongs($0.id) && !recorded.contains($0.id) }.count
        }
        engine.snapshot.withLock {
            $0.inFlight = inFlight
            $0.waitingOnBatches = !open.isEmpty
        }
    }

    mutating func interrupt(_ progress: inout RunProgress, _ reason: String) {
        progress.end(.interrupted(reason))
    }

    /// What a stop leaves behind, and what to do about it.
    func stillRunning() -> String {
        guard !open.isEmpty else { return "no batch is running" }
        let requests = open.reduce(0) {
            $0 + $1.entries.filter { engine.belongs($0.id) && !recorded.contains($0.id) }.count
        }
        return
            "\(open.count) batch\(open.count == 1 ? "" : "es") with \(requests) requests \(open.count == 1 ? "is" : "are") still running at the endpoint "
            + "(they go on, and are billed): vigil resume collects their answers, vigil cancel cancels them"
    }
}

extension BatchReport {
    /// A report of the endpoint's view of a batch.
    init(_ status: BatchStatus, file: String, message: String? = nil) {
        self.init(
            batch: status.id, file: file, state: status.state.rawValue, requests: status.total,
            completed: status.completed, failed: status.failed,
            message: message)
    }
}
