import Foundation
public import JSONSchema
import Logging
import Synchronization

/// Runs a validated job item by item: bounded concurrency, retries of availability
/// failures, success judged against the job's criteria, thresholds applied as results come
/// in, every result and event streamed to the run folder the moment it is known.
public final class RunEngine: Sendable {
    public let job: JobSpec
    public let folder: RunFolder
    public let bus: EventBus
    /// Held from start to end: no second process can run (or resume) this folder.
    let lock: RunLock
    /// The items, enumerated lazily (again) by the item loop.
    let source: InputSource
    /// Items of the source this run leaves alone: done before a resume.
    let done: Set<String>
    /// When set, the only items of the source that belong to the run (a retry of failures).
    let only: Set<String>?
    let total: Int
    let provider: any ModelProvider
    let criteria: SuccessCriteria
    let prompt: String
    let options: RunOptions
    let outputs: RunOutputs
    let snapshot = Mutex(RunSnapshot())
    /// When this process started on the run, and how many items were done then (rates).
    let started: Double
    let completedAtStart: Int
    let manifestBase: RunManifest
    /// What a resumed run had done before (nil for a new run).
    let history: RunHistory?
    /// Shared by every item: at most `requests` per `per` (nil: no limit).
    let rateLimiter: RateLimiter?
    /// Shared by every item: holds attempts back during an outage.
    let breaker: CircuitBreaker
    /// Set by `requestStop`: why to stop taking items.
    let stopRequest = Mutex<String?>(nil)
    /// Wakes the item loop when a stop is requested.
    let stopSignals: AsyncStream<Void>
    let stopSignal: AsyncStream<Void>.Continuation

    /// Creates a new run folder (copies of the job and prompt, `inputs.jsonl`, a `running`
    /// manifest) and the bus; nothing is sent to the model until `run()`.
    /// - Parameter lineage: the run this one reproduces or retries (`vigil rerun`,
    ///   `vigil run --retry-failed`).
    public convenience init(job: JobSpec, provider: (any ModelProvider)? = nil, options: RunOptions = RunOptions(), lineage: RunLineage? = nil) async throws {
        let promptData = try Data(contentsOf: job.promptFile)
        let staging = try RunFolder.create(under: job.outputDirectory, jobName: job.name)
        // The lock is on the file itself, so it holds across the rename below.
        let lock = try RunLock(folder: staging.url)
        let jobData = try Data(contentsOf: job.file)
        try AtomicFile.write(jobData, to: staging.jobCopy)
        try AtomicFile.write(promptData, to: staging.promptCopy(named: job.promptFile.lastPathComponent))
        let source = InputSource(folder: job.folder, specs: job.inputs, limit: options.canary)
        let (total, inputsDigest) = try InputsList.write(source, only: lineage?.only, to: staging.inputs)
        let jobPath = lineage?.jobPath ?? job.file.path
        var manifest = RunManifest(
            runID: staging.runID, status: RunStatus.running.rawValue, jobPath: jobPath, jobSHA256: FileDigest.sha256(of: jobData),
            git: await GitInfo.state(of: URL(fileURLWithPath: jobPath)), spec: job.document, promptPath: lineage?.promptPath ?? job.promptFile.path,
            promptSHA256: FileDigest.sha256(of: promptData),
            successSchema: job.success.schema.map { job.url($0) }.map { RunManifest.PinnedFile(path: $0.path, sha256: FileDigest.sha256(of: $0) ?? "") },
            model: job.model.manifestDescription, inputCount: total, inputsSHA256: inputsDigest, canary: options.canary, startedAt: Timestamp.now(),
            endedAt: nil, counts: RunCounts(total: total, succeeded: 0, failed: 0), verdict: nil)
        manifest.origin = lineage?.origin
        manifest.drift = lineage?.drift ?? []
        try manifest.write(to: staging.manifest)
        let folder = try staging.publish()
        try self.init(
            job: job, prompt: String(decoding: promptData, as: UTF8.self), provider: provider, options: options, folder: folder, lock: lock,
            manifest: manifest, history: nil, only: lineage?.only)
    }

    /// The one place an engine is put together, for a new run or a resumed one.
    init(
        job: JobSpec, prompt: String, provider: (any ModelProvider)?, options: RunOptions, folder: RunFolder, lock: RunLock, manifest: RunManifest,
        history: RunHistory?, only: Set<String>?
    ) throws {
        self.job = job
        self.options = options
        self.folder = folder
        self.lock = lock
        self.manifestBase = manifest
        self.history = history
        self.done = history?.done ?? []
        self.only = only
        self.total = manifest.inputCount
        // Ids were checked for duplicates when inputs.jsonl was written.
        self.source = InputSource(folder: job.folder, specs: job.inputs, limit: manifest.canary, checksDuplicateIDs: false)
        self.prompt = prompt
        self.criteria = try SuccessCriteria(spec: job.success, folder: job.folder)
        self.rateLimiter = job.execution.rateLimit.map { RateLimiter(requests: $0.requests, per: $0.per.seconds) }
        let breakerSpec = job.execution.breaker
        self.breaker = CircuitBreaker(openAfter: breakerSpec.openAfter, coolDown: breakerSpec.coolDown.seconds, giveUpAfter: breakerSpec.giveUpAfter.seconds)
        self.provider = try provider ?? ProviderFactory.make(for: job)
        self.outputs = try RunOutputs(folder: folder)
        self.bus = try EventBus(run: folder.runID, logURL: folder.events, startingSequence: history?.lastSequence ?? 0)
        self.started = Timestamp.now()
        self.completedAtStart = history.map { $0.succeeded + $0.failed } ?? 0
        (stopSignals, stopSignal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds an inline consumer (it may stop the run).
    public func add(_ consumer: any EventConsumer) { bus.add(consumer) }
    /// Adds a buffered consumer (it may be slow; it never stalls the run).
    public func add(_ consumer: any AsyncEventConsumer) { bus.add(consumer) }

    /// Every event of the run as it happens; call before `run()`. Holds at most `buffer`
    /// undelivered events (then drops and counts, like any slow consumer).
    public func events(buffer: Int = 10_000) -> AsyncStream<RunEvent> {
        let (stream, continuation) = AsyncStream<RunEvent>.makeStream(bufferingPolicy: .unbounded)
        bus.add(StreamConsumer(continuation: continuation, bufferCapacity: buffer))
        return stream
    }

    /// Only the successful items' results: a filter over `events()`.
    public func results(buffer: Int = 10_000) -> AsyncCompactMapSequence<AsyncStream<RunEvent>, JSONValue> {
        events(buffer: buffer).compactMap { event in
            if case .itemCompleted(_, _, _, let result) = event.kind { return result }
            return nil
        }
    }

    /// Runs to the end and returns the summary (the eager form of `events()`).
    public func run() async -> RunSummary {
        var outcome = RunProgress(total: total, monitor: ThresholdMonitor(spec: job.thresholds))
        if let history {
            outcome.resume(from: history)
            snapshot.withLock { $0.counts = outcome.counts; $0.latency = outcome.latency }
            bus.publish(.runResumed(RunResumed(counts: outcome.counts, repairedBytes: history.repairedBytes, recoveredItems: history.recovered)))
        } else {
            bus.publish(.runStarted(RunStarted(job: job.name, total: total, concurrency: job.execution.concurrency, provider: provider.description)))
        }
        persist(&outcome) { try bus.flush() }
        var dropped: [String: Int] = [:]
        await withTaskGroup(of: Void.self) { delivery in
            delivery.addTask { await self.bus.deliver() }
            await withTaskGroup(of: Void.self) { background in
                background.addTask { try? await self.provider.run() }
                background.addTask { await self.publishProgressPeriodically() }
                outcome = await processItems(outcome)
                background.cancelAll()
            }
            finish(&outcome)
            // Ends the buffered consumers' streams; the group then waits while they drain.
            dropped = (try? bus.close()) ?? bus.droppedEvents
        }
        syncRunFolder(&outcome)
        let summary = writeFinalManifest(outcome, dropped: dropped)
        lock.release()
        return summary
    }
}
