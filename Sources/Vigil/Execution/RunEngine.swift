import Foundation
public import JSONSchema
import Logging
import Synchronization

/// Runs a validated job item by item: bounded concurrency, retries of availability
/// failures, success judged against the job's criteria, thresholds applied as results come
/// in, every result and event streamed to the run folder the moment it is known.
public final class RunEngine: Sendable {
    /// The job being run (as validated: its bytes are the ones checked).
    public let job: JobSpec
    /// The run folder this engine writes (results, failures, events, manifest).
    public let folder: RunFolder
    /// The run's event bus (the log and every consumer).
    public let bus: EventBus
    /// Held from start to end: no second process can run (or resume) this folder.
    let lock: RunLock
    /// Items of the run's list this run leaves alone: done before a resume.
    let done: Set<String>
    /// When set, the only items of the list that belong to the run (a retry of failures).
    let only: Set<String>?
    let total: Int
    let provider: any ModelProvider
    /// The endpoint's Files and Batches API (`model.batch`; nil: every item live).
    let batchClient: BatchClient?
    let options: RunOptions
    /// What `start()` opened: the outputs, the cache, the consumers (nil before).
    let opened = Mutex<OpenedRun?>(nil)
    /// What the run spent (across its resumes), and its budget.
    let ledger: SpendLedger
    /// What the progress ticker reads; the item loop updates it after each item.
    let snapshot: Mutex<RunSnapshot>
    /// When this process started on the run, and how many items were done then (rates).
    let started: Double
    let completedAtStart: Int
    /// The manifest as written when this process started on the run (its shard, its counts then).
    public let manifestBase: RunManifest
    /// What a resumed run had done before (nil for a new run).
    let history: RunHistory?
    /// Files a resume was allowed past with changed stamps (see `RunSetup`).
    let restamped: [String: FileStamp]
    /// Set by `requestStop`: why to stop taking items.
    let stopRequest: StopRequest
    /// The coordinator a shard shares its run's state through (nil: none).
    let coordination: RunCoordination?
    /// How an item's file is made ready to send (`model.images`, libvips when found).
    let inputPreparation: InputPreparation
    /// Set by the stall watcher (`thresholds.stall`, action abort): the run ends aborted.
    let abortRequest = Mutex<Verdict?>(nil)
    /// Wakes the item loop when a stop is requested.
    let stopSignals: AsyncStream<Void>
    let stopSignal: AsyncStream<Void>.Continuation

    /// An engine for a run folder that `RunSetup` prepared (a new run, or a resumed one). It
    /// opens nothing: `start()` opens the run's files, its cache and the job's consumers (and
    /// says what it could not open); nothing is sent to the model until `run()`.
    public init(job: JobSpec, setup: RunSetup, provider: (any ModelProvider)? = nil, options: RunOptions = RunOptions())
        throws
    {
        let (folder, manifest, history) = (setup.folder, setup.manifest, setup.history)
        (self.job, self.options, self.folder, lock, manifestBase) = (job, options, folder, setup.lock, manifest)
        (self.history, done, only, restamped) = (history, history?.done ?? [], setup.only, setup.restamped)
        inputPreparation = InputPreparation(images: job.model.images ?? .original, converter: setup.imageConverter)
        total = manifest.inputCount
        // The total is known before the first item ends: a `progress` event published
        // then says how many items the run covers, as `run.started` does.
        self.snapshot = Mutex(RunSnapshot(counts: RunCounts(total: manifest.inputCount, succeeded: 0, failed: 0)))
        let provider = try provider ?? ProviderFactory.make(for: job, environment: options.environment)
        self.provider = provider
        batchClient = try Self.batchClient(for: job, provider: provider, environment: options.environment)
        bus = EventBus(run: folder.runID, startingSequence: history?.lastSequence ?? 0)
        // A shard keeps its part of the budget (from its manifest: a resume keeps the same).
        ledger = SpendLedger(
            budget: manifest.shardShare.map(\.budget) ?? job.budget, pricing: job.model.pricing,
            outputBound: job.model.outputTokenBound,
            carried: Self.carried(history, manifest))
        self.started = Timestamp.now()
        self.completedAtStart = history.map { $0.succeeded + $0.failed } ?? 0
        let stop = StopRequest()
        let (signals, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        (stopRequest, stopSignals, stopSignal) = (stop, signals, signal)
        // A coordinator lost mid-run stops the run as `requestStop` does.
        coordination = options.coordination?.reporting { reason in
            stop.request(reason)
            signal.yield()
        }
    }

    /// Adds an inline consumer (it may stop the run).
    public func add(_ consumer: any EventConsumer) { bus.add(consumer) }
    /// Adds a buffered consumer (it may be slow; it never stalls the run).
    public func add(_ consumer: any AsyncEventConsumer) { bus.add(consumer) }

    /// Every event of the run as it happens; call before `run()`. Holds at most `buffer`
    /// events the caller has not read yet; past that, events are dropped for it and counted
    /// (`RunSummary.droppedEvents["events()"]`), like any slow consumer: memory stays
    /// bounded however slowly the stream is read. Every event is in `events.jsonl` still.
    public func events(buffer: Int = 10_000) -> AsyncStream<RunEvent> {
        bus.subscribe(name: "events()", capacity: buffer)
    }

    /// Only the successful items' results: a filter over `events()`.
    public func results(buffer: Int = 10_000) -> AsyncCompactMapSequence<AsyncStream<RunEvent>, JSONValue> {
        events(buffer: buffer).compactMap { event in
            if case .itemCompleted(_, let result) = event.kind { return result }
            return nil
        }
    }

    /// Runs to the end and returns the summary (the eager form of `events()`). Starts the
    /// run first if `start()` was not called; a run that cannot start ends as interrupted,
    /// with why (nothing was sent: resume it once that is fixed).
    public func run() async -> RunSummary {
        do {
            try start()
        } catch {
            return notStarted(error)
        }
        let exporters = self.exporters
        guard !exporters.isEmpty else { return await runToEnd() }
        // The exporters write and serve while the run goes on, and once more after its end.
        return await withTaskGroup(of: Void.self) { exporting in
            for exporter in exporters { exporting.addTask { await exporter.run() } }
            let summary = await runToEnd()
            for exporter in exporters { await exporter.finish() }
            exporting.cancelAll()
            return summary
        }
    }

    /// Announces the run, runs its items with the background work beside them (the
    /// provider's, progress events, the stall watcher), records how it ended, lets the
    /// buffered consumers drain, and writes the final manifest.
    private func runToEnd() async -> RunSummary {
        var outcome = announce()
        recorder.persist(&outcome) { try bus.flush() }
        var delivery = (dropped: [String: Int](), undelivered: [String: Int]())
        await withTaskGroup(of: Bool.self) { delivering in
            delivering.addTask {
                await self.bus.deliver()
                return true
            }
            await withTaskGroup(of: Void.self) { background in
                background.addTask { try? await self.provider.run() }
                background.addTask { await self.publishProgressPeriodically() }
                if let stall = self.job.thresholds.stall { background.addTask { await self.watchForStalls(stall) } }
                if let coordination = self.coordination { background.addTask { await self.watchFleet(coordination) } }
                outcome = await processAll(outcome)
                background.cancelAll()
            }
            // The last `progress` event has the whole run as it stands at this shard's end.
            if let coordination { await readFleet(coordination) }
            finish(&outcome)
            delivery = await closeDelivery(&delivering)
        }
        syncRunFolder(&outcome)
        let fleet = await coordination?.fleet()
        let summary = writeFinalManifest(
            outcome, fleet: fleet, dropped: delivery.dropped, undelivered: delivery.undelivered)
        lock.release()
        return summary
    }

    /// The run's starting progress, and its first event: `run.started`, or `run.resumed`
    /// with what the stopped run had done (counted over the whole run from here on).
    private func announce() -> RunProgress {
        // (Only a canary's list is read for its reference items; one that cannot be read
        // stops the run at its first item, with why.)
        var progress = RunProgress(
            total: total, monitor: ThresholdMonitor(spec: job.thresholds),
            reference: try? ReferenceJudge.forRun(of: job, manifest: manifestBase, only: only, list: folder.inputs),
            fill: job.thresholds.fields.map(FieldFillMonitor.init))
        // A canary keeps each item's cost and latency for its projection.
        if manifestBase.canary != nil { progress.samples = [] }
        guard let history else {
            bus.publish(
                .runStarted(
                    RunStarted(
                        job: job.name, total: total, concurrency: job.execution.concurrency,
                        provider: provider.description)))
            return progress
        }
        progress.resume(from: history)
        snapshot.withLock {
            $0.counts = progress.counts
            $0.latency = progress.latency
        }
        let resumed = RunResumed(
            counts: progress.counts, repairedBytes: history.repairedBytes, recoveredItems: history.recovered)
        bus.publish(.runResumed(resumed))
        return progress
    }

    /// Ends the buffered consumers' streams; they get `deliveryLimit` to take what is still
    /// buffered (a webhook whose address refuses connections would otherwise hold the end of
    /// the run for its retries of every event), then are cancelled. What each dropped, and
    /// what it had not delivered when the limit ran out.
    private func closeDelivery(_ delivering: inout TaskGroup<Bool>) async -> (
        dropped: [String: Int], undelivered: [String: Int]
    ) {
        let dropped = (try? bus.close()) ?? bus.droppedEvents
        var undelivered: [String: Int] = [:]
        let limit = options.deliveryLimit
        delivering.addTask {
            try? await Task.sleep(for: limit)
            return false
        }
        if await delivering.next() == false {
            undelivered = bus.undeliveredEvents
            options.logger.notice(
                "the run has ended; \(Self.sentence(undelivered)) not delivered within \(limit.components.seconds) s of its end; all are in events.jsonl"
            )
        }
        delivering.cancelAll()
        return (dropped, undelivered)
    }

    /// What earlier processes of a resumed run spent: the recorded items' costs, or the
    /// manifest's figure when it is larger (it also counts answers of items that were in
    /// flight when that process stopped, and requests that may have been billed unanswered).
    static func carried(_ history: RunHistory?, _ manifest: RunManifest) -> SpendLedger.Totals {
        guard let history else { return SpendLedger.Totals() }
        var totals = SpendLedger.Totals()
        let recorded = manifest.cost
        totals.spent = SpendLedger.Amount(
            cost: max(history.spend.charged, recorded?.spend.charged ?? .zero),
            tokens: max(history.usage.total, manifest.usage.total))
        totals.unconfirmed = recorded?.unconfirmed ?? SpendLedger.Amount()
        return totals
    }

    /// "3 events for webhook, 1 for command [x]".
    static func sentence(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.enumerated().map { index, entry in
            "\(entry.value) \(index == 0 ? (entry.value == 1 ? "event" : "events") + " " : "")for \(entry.key)"
        }.joined(separator: ", ")
    }
}
