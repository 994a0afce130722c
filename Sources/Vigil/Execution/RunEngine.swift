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
    /// The items, enumerated lazily (again) by the item loop.
    let source: InputSource
    let total: Int
    let provider: any ModelProvider
    let criteria: SuccessCriteria
    let prompt: String
    let options: RunOptions
    let outputs: RunOutputs
    let snapshot = Mutex(RunSnapshot())
    let started: Double
    let manifestBase: RunManifest
    /// Shared by every item: at most `requests` per `per` (nil: no limit).
    let rateLimiter: RateLimiter?
    /// Shared by every item: holds attempts back during an outage.
    let breaker: CircuitBreaker
    /// Set by `requestStop`: why to stop taking items.
    let stopRequest = Mutex<String?>(nil)

    /// Creates the run folder (copies of the job and prompt, `inputs.jsonl`, a `running`
    /// manifest) and the bus; nothing is sent to the model until `run()`.
    public init(job: JobSpec, provider: (any ModelProvider)? = nil, options: RunOptions = RunOptions()) async throws {
        self.job = job
        self.options = options
        let source = InputSource(folder: job.folder, specs: job.inputs, limit: options.canary)
        self.source = source
        let promptURL = job.prompt.file.hasPrefix("/") ? URL(fileURLWithPath: job.prompt.file) : job.folder.appendingPathComponent(job.prompt.file)
        let promptData = try Data(contentsOf: promptURL)
        self.prompt = String(decoding: promptData, as: UTF8.self)
        self.criteria = try SuccessCriteria(spec: job.success, folder: job.folder)
        self.rateLimiter = job.execution.rateLimit.map { RateLimiter(requests: $0.requests, per: $0.per.seconds) }
        let breakerSpec = job.execution.breaker
        self.breaker = CircuitBreaker(openAfter: breakerSpec.openAfter, coolDown: breakerSpec.coolDown.seconds, giveUpAfter: breakerSpec.giveUpAfter.seconds)
        self.provider = try provider ?? ProviderFactory.make(for: job)
        let folder = try RunFolder.create(under: job.outputDirectory, jobName: job.name)
        self.folder = folder
        let jobData = try Data(contentsOf: job.file)
        try AtomicFile.write(jobData, to: folder.jobCopy)
        try AtomicFile.write(promptData, to: folder.promptCopy(named: promptURL.lastPathComponent))
        let (total, inputsDigest) = try InputsList.write(source, to: folder.inputs)
        self.total = total
        self.outputs = try RunOutputs(folder: folder)
        self.bus = try EventBus(run: folder.runID, logURL: folder.events)
        self.started = Timestamp.now()
        self.manifestBase = RunManifest(
            runID: folder.runID, status: RunStatus.running.rawValue, jobPath: job.file.path, jobSHA256: FileDigest.sha256(of: jobData),
            git: await GitInfo.state(of: job.file), spec: job.document, promptPath: promptURL.path,
            promptSHA256: FileDigest.sha256(of: promptData), model: job.model.manifestDescription, inputCount: total,
            inputsSHA256: inputsDigest, startedAt: started, endedAt: nil, counts: RunCounts(total: total, succeeded: 0, failed: 0),
            verdict: nil)
        try manifestBase.write(to: folder.manifest)
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
        bus.publish(.runStarted(RunStarted(job: job.name, total: total, concurrency: job.execution.concurrency, provider: provider.description)))
        try? bus.flush()
        var outcome = RunProgress(total: total, monitor: ThresholdMonitor(spec: job.thresholds))
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
        try? bus.flush()
        return writeFinalManifest(outcome, dropped: dropped)
    }
}
