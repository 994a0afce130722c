public import Foundation
import Logging
import Synchronization

/// What `RunEngine.start()` opens: the files and connections a run holds while it goes. A
/// class, so the item loop takes it once and reads its parts without copying them.
final class OpenedRun: Sendable {
    /// Records each ended item (event, line, counts, thresholds, checkpoints).
    let recorder: RunRecorder
    /// Runs each item's attempts (retries, breaker, rate limit, judging).
    let attempts: ItemAttempts
    /// The response cache the run uses (nil: none, or it could not be opened).
    let cache: RunCache?
    /// The job's `prometheus` and `opentelemetry` consumers: inline, and with work of their
    /// own while the run goes.
    let exporters: [any RunExporter]

    init(recorder: RunRecorder, attempts: ItemAttempts, cache: RunCache?, exporters: [any RunExporter]) {
        self.recorder = recorder
        self.attempts = attempts
        self.cache = cache
        self.exporters = exporters
    }
}

/// A run that could not start: what could not be opened, and what to do.
public struct RunStartProblem: ExitStatusError {
    /// The run folder.
    public var folder: URL
    /// What failed (a file that cannot be opened, a consumer that cannot be made).
    public var reason: String
    /// As the failure says: a consumer the job declares wrong is the job's (exit 2); a file
    /// that cannot be opened is Vigil's own failure (exit 6), and the run can be resumed.
    public var exitStatus: ExitStatus

    /// The problem `error` makes for the run in `folder`.
    init(folder: URL, _ error: any Error) {
        self.folder = folder
        reason = "\(error)"
        exitStatus = (error as? any ExitStatusError)?.exitStatus ?? .internalError
    }

    /// `cannot start the run in FOLDER: REASON; nothing was sent.`, then what to do.
    public var description: String {
        let next =
            exitStatus == .invalidJobOrUsage
            ? "fix the job and run it again"
            : "fix that, then continue it with vigil resume \(folder.path)"
        return "cannot start the run in \(folder.path): \(reason); nothing was sent: \(next)"
    }
}

extension RunEngine {
    /// Opens what the run holds while it goes: the event log, results.jsonl and failed.jsonl,
    /// the response cache (one that cannot be opened is said once, and the run goes on
    /// without it), and the job's own consumers. Called by `run()` when the caller did not;
    /// calling it first says what could not be opened before anything is printed or sent.
    public func start() throws(RunStartProblem) {
        // Under the lock from check to store: two callers at once open the run once.
        try opened.withLock { (opened: inout OpenedRun?) throws(RunStartProblem) in
            guard opened == nil else { return }
            do {
                opened = try open()
            } catch {
                throw RunStartProblem(folder: folder.url, error)
            }
        }
    }

    /// What `start()` opens, in that order.
    private func open() throws -> OpenedRun {
        try bus.openLog(at: folder.events)
        let cache = Self.openCache(
            for: job, run: folder.runID, options: options, libvips: inputPreparation.converter?.version)
        let recorder = RunRecorder(
            bus: bus, outputs: try RunOutputs(folder: folder), folder: folder,
            checkpointEvery: job.checkpointEvery, giveUpAfter: job.execution.breaker.giveUpAfter,
            logger: options.logger)
        let attempts = Self.attempts(
            for: job, provider: provider, bus: bus, ledger: ledger, stop: stopRequest, cache: cache,
            rateShare: manifestBase.shardShare?.count ?? 1, coordination: coordination, input: inputPreparation)
        let exporters = try Self.addDeclaredConsumers(
            of: job, to: bus, runID: folder.runID, manifest: manifestBase, options: options)
        return OpenedRun(recorder: recorder, attempts: attempts, cache: cache, exporters: exporters)
    }

    /// What `start()` opened; the engine's steps run only after it. (The item loop takes it
    /// once: each read is a lock.)
    var openedRun: OpenedRun {
        guard let run = opened.withLock({ $0 }) else { preconditionFailure("RunEngine used before start()") }
        return run
    }

    var recorder: RunRecorder { openedRun.recorder }
    var attempts: ItemAttempts { openedRun.attempts }
    var cache: RunCache? { openedRun.cache }
    var exporters: [any RunExporter] { openedRun.exporters }

    /// The summary of a run that could not start: it ends as interrupted (nothing was sent;
    /// its folder is as setup left it, for `vigil resume` once the cause is fixed).
    func notStarted(_ problem: RunStartProblem) -> RunSummary {
        options.logger.critical("\(problem)")
        lock.release()
        let counts = snapshot.withLock { $0.counts }
        return RunSummary(
            status: .interrupted, counts: counts, verdict: nil, interruption: problem.description, folder: folder,
            droppedEvents: [:], undeliveredEvents: [:], progress: currentProgress(), duration: 0)
    }

    /// The response cache the options and the job ask for; one that cannot be opened is said
    /// once, and the run goes on asking the model.
    private static func openCache(for job: JobSpec, run: String, options: RunOptions, libvips: String?) -> RunCache? {
        guard let spec = options.cache.spec(for: job) else { return nil }
        do {
            return RunCache(
                store: try ResponseCache(url: spec.path), job: job, mode: spec.mode, run: run, logger: options.logger,
                libvips: libvips)
        } catch {
            options.logger.warning("\(error); the run goes on without it (vigil cache verify checks it)")
            return nil
        }
    }

    /// What every item's attempts share: the success criteria, the retry policy, the rate
    /// limit (1/`rateShare` of it for a shard; the run's one bucket for a coordinated shard),
    /// the breaker, the budget and the cache.
    private static func attempts(
        for job: JobSpec, provider: any ModelProvider, bus: EventBus, ledger: SpendLedger, stop: StopRequest,
        cache: RunCache?, rateShare: Int, coordination: RunCoordination?, input: InputPreparation
    ) -> ItemAttempts {
        let execution = job.execution
        return ItemAttempts(
            provider: provider,
            criteria: SuccessCriteria(
                schema: job.sources.successSchema?.schema, requiredFields: job.success.requiredFields),
            prompt: job.sources.promptText, paths: job.paths, input: input, retries: execution.retries,
            rateLimiter: coordination != nil
                ? nil
                : execution.rateLimit.map { RateLimiter(requests: $0.requests, per: $0.per.seconds, share: rateShare) },
            breaker: CircuitBreaker(
                openAfter: execution.breaker.openAfter, coolDown: execution.breaker.coolDown.seconds,
                giveUpAfter: execution.breaker.giveUpAfter.seconds),
            bus: bus, ledger: ledger, pricing: job.model.pricing, stop: stop, cache: cache, coordination: coordination)
    }

    /// The job's own consumers, on `bus` (an embedding program gets them as `vigil run`
    /// does); returns the exporters among them (`prometheus`, `opentelemetry`), which also
    /// work while the run goes.
    private static func addDeclaredConsumers(
        of job: JobSpec, to bus: EventBus, runID: String, manifest: RunManifest, options: RunOptions
    ) throws -> [any RunExporter] {
        let logger = options.logger
        for consumer in try DeclaredConsumers.make(
            for: job, logger: logger, reporter: bus, environment: options.environment)
        {
            bus.add(consumer)
        }
        let exporters = try DeclaredConsumers.exporters(
            for: job, runID: runID, promptSHA256: manifest.promptSHA256, logger: logger,
            environment: options.environment)
        for exporter in exporters { bus.add(exporter as any EventConsumer) }
        return exporters
    }

}
