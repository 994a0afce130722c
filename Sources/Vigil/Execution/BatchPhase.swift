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
    private(set) var open: [OpenBatch] = []
    /// Items recorded by this phase (an answer may come in two downloads).
    private var recorded = Set<String>()
    /// Since when every call to the endpoint has failed (nil: the last one worked).
    private var unreachableSince: Double?
    private var uploads = 0

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
    mutating func run(_ progress: inout RunProgress, pending: inout FrozenItems) async {
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

    // MARK: Submitting

    /// Writes the items `wanted` of `items` into batch files, uploading and submitting each
    /// as it fills. An item that cannot be sent (its input unreadable or changed, a request
    /// too large for a file) fails as it would live; one the budget cannot cover ends the
    /// submission (the run ends as aborted once the batches sent are collected).
    private mutating func submit(from items: inout FrozenItems, progress: inout RunProgress, wanted: (String) -> Bool)
        async
    {
        var builder = BatchFileBuilder(
            maximumRequests: spec.maximumRequestsPerFile, maximumBytes: spec.maximumBytesPerFile)
        var waiting: [String: (entry: BatchJournal.Entry, reservation: SpendLedger.Reservation?)] = [:]
        let prompt = engine.job.sources.promptText
        while progress.ending == nil {
            if let reason = engine.stopReason {
                interrupt(&progress, reason)
                break
            }
            let next: FrozenItems.Item
            do {
                guard let item = try items.next() else { break }
                next = item
            } catch {
                progress.end(.failed("the run's items cannot be read on: \(error)"))
                break
            }
            let item = next.item
            guard engine.belongs(item.id), wanted(item.id), !recorded.contains(item.id) else { continue }
            if let problem = next.problem ?? next.changedRecord {
                record(.failure(ended(item, sha256: next.entry.sha256), problem), &progress)
                continue
            }
            let fileURL = item.path.map { engine.job.paths.url($0) }
            var request = ItemRequest(item: item, fileURL: fileURL, prompt: prompt, attempt: 1)
            var sha256 = next.entry.sha256
            if let fileURL, let path = item.path {
                do {
                    let read = try InputRead.read(fileURL, path: path, listed: next.entry.stamp, keepingBytes: true)
                    request.content = read.bytes
                    sha256 = read.sha256
                } catch {
                    record(.failure(ended(item, sha256: sha256), error), &progress)
                    continue
                }
            }
            // A cached answer is judged at once: it goes into no batch.
            if let cache = engine.cache, let sha256,
                let answer = cache.answer(forKey: cache.keys.key(item: sha256), item: item.id)
            {
                var cached = ended(item, sha256: sha256)
                cached.cached = true
                cached.usage = answer.usage
                switch engine.attempts.criteria.judge(answer) {
                case .success(let result): record(.success(cached, result: JSONValueBox(value: result)), &progress)
                case .failure(let failure): record(.failure(cached, failure), &progress)
                }
                continue
            }
            var reservation: SpendLedger.Reservation?
            if engine.ledger.isCapped {
                guard let granted = engine.ledger.reserveForBatch(bodies.inputSize(of: request)) else {
                    record(.notSent(item), &progress)
                    break
                }
                reservation = granted
            }
            let customID = "vigil-\(next.index)"
            do {
                try builder.add(customID: customID, body: try bodies.bodyBytes(for: request))
            } catch {
                if let reservation { engine.ledger.release(reservation) }
                let failure = (error as? ItemFailure) ?? ItemFailure(.input, "\(error)", isRetryable: false)
                record(.failure(ended(item, sha256: sha256), failure), &progress)
                continue
            }
            waiting[customID] = (
                BatchJournal.Entry(
                    customID: customID, id: item.id, path: item.path, sha256: sha256, reserved: reservation?.amount),
                reservation
            )
            for file in builder.takeFull() {
                guard await send(file, &waiting, &progress) else { break }
            }
        }
        // What the budget let through is sent; after a stop or a failure it stays to do.
        if progress.ending == nil || progress.budgetExhausted {
            for file in builder.files() where await send(file, &waiting, &progress) == false { break }
        }
        for (_, held) in waiting { if let reservation = held.reservation { engine.ledger.release(reservation) } }
    }

    /// Uploads one file, records it, creates its batch, records that: true when it runs.
    private mutating func send(
        _ file: BatchFileBuilder.File,
        _ waiting: inout [String: (entry: BatchJournal.Entry, reservation: SpendLedger.Reservation?)],
        _ progress: inout RunProgress
    ) async -> Bool {
        guard progress.ending == nil || progress.budgetExhausted else { return false }
        uploads += 1
        let name = "\(engine.folder.runID)-\(journal.files.count + 1).jsonl"
        let entries = file.customIDs.compactMap { waiting[$0]?.entry }
        do {
            let fileID = try await retrying("uploading \(name) (\(entries.count) requests)") {
                [client] () async throws(BatchError) in try await client.upload(file.bytes, name: name)
            }
            try journal.recordUpload(file: fileID, entries: entries)
            let status = try await retrying("creating the batch over \(fileID)") {
                [client, engine] () async throws(BatchError) in
                try await client.create(inputFileID: fileID, metadata: ["vigil_run": engine.folder.runID])
            }
            try journal.recordBatch(status.id, file: fileID)
            var batch = OpenBatch(
                report: BatchReport(status, file: fileID), entries: entries, uploadedAt: Timestamp.now())
            for customID in file.customIDs {
                if let reservation = waiting.removeValue(forKey: customID)?.reservation {
                    batch.reservations[customID] = reservation
                }
            }
            engine.bus.publish(.batchSubmitted(batch.report))
            open.append(batch)
            publishInFlight(progress)
            return true
        } catch {
            // The file's items were not submitted (or the folder cannot say so): they stay
            // to do, and a resume looks the file up before sending anything again.
            interrupt(&progress, "\(error); its \(entries.count) items were not sent and stay to do")
            return false
        }
    }

    // MARK: Polling and collecting

    /// Looks at every open batch with backoff (sooner at first, then every
    /// `poll_interval`) and collects each one that ended, until none is open or the run is
    /// told to stop.
    private mutating func poll(_ progress: inout RunProgress) async {
        var delay = min(1, spec.pollInterval.seconds)
        while !open.isEmpty {
            if let reason = engine.stopReason {
                interrupt(&progress, reason + "; " + stillRunning())
                return
            }
            var index = 0
            while index < open.count {
                let batch = open[index]
                let status: BatchStatus
                do {
                    status = try await client.status(of: batch.report.batch)
                    unreachableSince = nil
                } catch {
                    guard error.isRetryable else {
                        interrupt(&progress, "\(error); " + stillRunning())
                        return
                    }
                    noteUnreachable(error)
                    index += 1
                    continue
                }
                let report = BatchReport(status, file: batch.report.file)
                if report != batch.report {
                    open[index].report = report
                    engine.bus.publish(.batchProgress(report))
                }
                guard status.state.isFinal else {
                    index += 1
                    continue
                }
                guard await collect(status, at: index, &progress) else {
                    index += 1
                    continue
                }
                if progress.verdict?.stopsAtOnce == true || progress.stopNow {
                    await cancelAll(because: progress.verdict?.message ?? "the run stopped")
                    if !open.isEmpty {
                        engine.options.logger.notice(
                            "cancelled \(open.count) batches still running: \(progress.verdict?.message ?? "the run stopped")"
                        )
                    }
                    return
                }
            }
            if let since = unreachableSince, Timestamp.now() - since > engine.job.execution.breaker.giveUpAfter.seconds
            {
                interrupt(
                    &progress,
                    "the endpoint has been unreachable for \(Int(Timestamp.now() - since)) s, longer than breaker.give_up_after (\(engine.job.execution.breaker.giveUpAfter)); "
                        + stillRunning())
                return
            }
            if open.isEmpty { break }
            await engine.sleepUnlessStopped(seconds: delay)
            delay = min(delay * 2, spec.pollInterval.seconds)
        }
    }

    /// Downloads an ended batch's output and error files and records each of its items:
    /// an answer is judged as a live one is; a request the batch did not run is sent again
    /// in a new batch or failed (`on_expired`), or left to do when cancelling. False when a
    /// download failed (the batch stays open and is collected at the next look).
    private mutating func collect(_ status: BatchStatus, at index: Int, _ progress: inout RunProgress) async -> Bool {
        var lines: [String: BatchOutputLine] = [:]
        for fileID in [status.errorFileID, status.outputFileID].compactMap({ $0 }) {
            do {
                let bytes = try await client.content(ofFile: fileID)
                unreachableSince = nil
                for line in bytes.split(separator: 0x0A) where !line.isEmpty {
                    guard
                        let json = try? JSONParser(allowsDuplicateKeys: true).parse(
                            String(decoding: line, as: UTF8.self)),
                        let answer = BatchOutputLine(json: json)
                    else { continue }
                    lines[answer.customID] = answer
                }
            } catch {
                noteUnreachable(error)
                return false
            }
        }
        let batch = open.remove(at: index)
        let state = status.state
        var notRun: [BatchJournal.Entry] = []
        for entry in batch.entries {
            let reservation = batch.reservations[entry.customID]
            guard engine.belongs(entry.id), !recorded.contains(entry.id) else {
                if let reservation { engine.ledger.release(reservation) }
                continue
            }
            let item = InputItem(id: entry.id, path: entry.path, record: nil)
            var ended = ended(item, sha256: entry.sha256, attempts: journal.submissions(of: entry.id))
            ended.latency = max(0, Timestamp.now() - batch.uploadedAt) * 1000
            switch lines[entry.customID]?.outcome {
            case .success(let answer)?:
                if let cache = engine.cache, let sha256 = entry.sha256 {
                    cache.keep(answer, forKey: cache.keys.key(item: sha256))
                }
                let spend = Spend(answer, pricing: engine.job.model.pricing, batch: true)
                if let reservation {
                    engine.ledger.settle(reservation, answer: answer, spend: spend)
                } else {
                    engine.ledger.record(answer: answer, spend: spend)
                }
                ended.usage = answer.usage
                ended.spend = spend
                switch engine.attempts.criteria.judge(answer) {
                case .success(let result): record(.success(ended, result: JSONValueBox(value: result)), &progress)
                case .failure(let failure): record(.failure(ended, failure), &progress)
                }
            case .failure(let failure)? where !failure.isRetryable:
                if let reservation { engine.ledger.release(reservation) }
                record(.failure(ended, failure), &progress)
            case .failure?, nil:
                if let reservation { engine.ledger.release(reservation) }
                if state == .failed {
                    let why =
                        status.errors.isEmpty ? "no reason given" : status.errors.prefix(3).joined(separator: "; ")
                    record(
                        .failure(
                            ended,
                            ItemFailure(.http, "batch \(status.id) failed as a whole: \(why)", isRetryable: false)),
                        &progress)
                } else {
                    notRun.append(entry)
                }
            }
        }
        let message = await handleNotRun(notRun, state: state, &progress)
        do {
            try journal.recordEnded(status.id, state: state.rawValue)
        } catch {
            interrupt(&progress, "\(error)")
        }
        let report = BatchReport(status, file: batch.report.file, message: message)
        engine.bus.publish(state == .completed && notRun.isEmpty ? .batchCompleted(report) : .batchFailed(report))
        publishInFlight(progress)
        return true
    }

    /// What becomes of the requests a batch did not run; returns what the event says of them.
    private mutating func handleNotRun(
        _ entries: [BatchJournal.Entry], state: BatchStatus.State, _ progress: inout RunProgress
    ) async -> String? {
        guard !entries.isEmpty else { return state == .failed ? "every request failed with the batch" : nil }
        let count = entries.count
        if cancelling || progress.ending != nil {
            return "\(count) requests were not run; they stay to do"
        }
        let maximum = engine.job.execution.retries.maximumAttempts
        var again = Set<String>()
        for entry in entries {
            let submissions = journal.submissions(of: entry.id)
            if spec.onExpired == .retry && submissions < maximum {
                again.insert(entry.id)
            } else {
                let why =
                    spec.onExpired == .fail
                    ? "the batch ended \(state.rawValue) before running it (model.batch.on_expired: fail)"
                    : "no batch ran it: \(submissions) batches ended without it (execution.retries.max_attempts: \(maximum))"
                let item = InputItem(id: entry.id, path: entry.path, record: nil)
                record(
                    .failure(
                        ended(item, sha256: entry.sha256, attempts: submissions),
                        ItemFailure(.http, why, isRetryable: false)), &progress)
            }
        }
        guard !again.isEmpty else { return "\(count) requests were not run; they failed" }
        var items = FrozenItems(list: engine.folder.inputs, job: engine.job, restamped: engine.restamped)
        await submit(from: &items, progress: &progress) { again.contains($0) }
        return "\(count) requests were not run; \(again.count) were sent again in a new batch"
    }

    /// Asks the endpoint to cancel every open batch (what they finished is collected when
    /// they end; a run that stops now leaves that to a resume).
    private mutating func cancelAll(because reason: String) async {
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
    private mutating func retrying<T>(_ what: String, _ call: () async throws(BatchError) -> T) async throws(BatchError)
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

    private mutating func noteUnreachable(_ error: BatchError) {
        if unreachableSince == nil { unreachableSince = Timestamp.now() }
        engine.options.logger.warning("\(error); trying again")
    }

    private func ended(_ item: InputItem, sha256: String?, attempts: Int = 1) -> EndedItem {
        EndedItem(
            item: item, attempts: max(1, attempts), latency: 0, usage: TokenUsage(), spend: Spend(), sha256: sha256)
    }

    private mutating func record(_ outcome: ItemOutcome, _ progress: inout RunProgress) {
        switch outcome {
        case .success(let ended, _), .failure(let ended, _): recorded.insert(ended.item.id)
        default: break
        }
        engine.record(outcome, &progress)
    }

    /// Requests in the open batches not yet recorded: the run's "in flight".
    private func publishInFlight(_ progress: RunProgress) {
        let inFlight = open.reduce(0) {
            $0 + $1.entries.filter { engine.belongs($0.id) && !recorded.contains($0.id) }.count
        }
        engine.snapshot.withLock {
            $0.inFlight = inFlight
            $0.waitingOnBatches = !open.isEmpty
        }
    }

    private mutating func interrupt(_ progress: inout RunProgress, _ reason: String) {
        progress.end(.interrupted(reason))
    }

    /// What a stop leaves behind, and what to do about it.
    private func stillRunning() -> String {
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
