import Foundation
import JSONSchema
import Logging
import Synchronization

extension RunEngine {
    /// How the item loop is stopping.
    private enum Stop {
        case no
        /// Take no new item; let those in flight end and record them (a stop request, an
        /// input that went bad).
        case graceful
        /// Cancel what is in flight; it stays to do (an abort, an outage, a second Ctrl-C).
        case immediate
    }

    /// The item loop: keeps `concurrency` items in flight, handles each outcome in this one
    /// task (so counts and thresholds need no locks), and stops launching on an abort, a
    /// stop request or an input error. Besides the items, the group holds a task that wakes
    /// the loop when a stop is requested (so a Ctrl-C is acted on while every item is still
    /// busy) and, once stopping, the grace period's timer; both are cancelled when the last
    /// item has ended.
    func processItems(_ start: RunProgress) async -> RunProgress {
        var progress = start
        let concurrency = max(1, job.execution.concurrency)
        var pending = FrozenItems(list: folder.inputs, job: job)
        // A resumed run whose threshold had already failed ends at once, as aborted; so
        // does a run whose folder could not be written from the start.
        var stop = start.verdict == nil && !start.stopNow ? Stop.no : Stop.immediate
        var exhausted = false
        await withTaskGroup(of: ItemOutcome.self) { group in
            var inFlight = 0
            let grace = job.execution.gracePeriod
            group.addTask {
                for await _ in self.stopSignals { return .stopRequested }
                return .stopRequested
            }
            func stopGracefully() {
                stop = .graceful
                // The items in flight get the grace period to finish, then are cancelled.
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(Int64(grace.seconds * 1000)))
                    return .graceExpired
                }
            }
            func stopAtOnce() {
                stop = .immediate
                group.cancelAll()
            }
            func launch() {
                if stop == .no, let reason = stopRequest.withLock({ $0 }) {
                    stopGracefully()
                    progress.status = .interrupted
                    progress.interruption = reason
                }
                while stop == .no, !exhausted, inFlight < concurrency {
                    do {
                        guard let next = try pending.next() else {
                            exhausted = true
                            break
                        }
                        if done.contains(next.item.id) || only.map({ !$0.contains(next.item.id) }) == true { continue }
                        inFlight += 1
                        group.addTask { await self.process(next) }
                    } catch {
                        // The list, or a JSON Lines input, went bad since setup: stop taking
                        // items, finish the others.
                        let message = "the run's items cannot be read on: \(error)"
                        options.logger.error("\(message)")
                        progress.failureMessage = message
                        stopGracefully()
                    }
                }
                snapshot.withLock { $0.inFlight = inFlight }
            }
            launch()
            if inFlight == 0 { group.cancelAll() }
            while let outcome = await group.next() {
                switch outcome {
                case .stopRequested:
                    launch()
                case .graceExpired:
                    if stop == .graceful && inFlight > 0 {
                        progress.interruption = (progress.interruption ?? "stopped")
                            + "; the grace period (execution.grace_period, \(grace)) ran out and \(inFlight) items in flight were cancelled (they stay to do)"
                        stopAtOnce()
                    }
                default:
                    inFlight -= 1
                    if Task.isCancelled && stop != .immediate {
                        progress.status = .interrupted
                        progress.interruption = progress.interruption ?? "stopped at once"
                        stopAtOnce()
                    }
                    // After an immediate stop, what was in flight was cancelled: it stays to do.
                    if stop != .immediate { handle(outcome, &progress) }
                    if stop != .immediate && (progress.verdict != nil || progress.stopNow) { stopAtOnce() }
                    launch()
                }
                // The last item has ended: end the stop watcher and the grace timer too.
                if inFlight == 0 { group.cancelAll() }
            }
        }
        return progress
    }

    /// Asks the run to stop taking items; those in flight end and are recorded, then the
    /// run ends as interrupted. (Cancelling the task that runs `run()` stops at once.)
    public func requestStop(reason: String) {
        stopRequest.withLock { $0 = $0 ?? reason }
        stopSignal.yield()
    }

    /// One item, with retries of availability failures (exponential backoff with jitter).
    /// A file is read once per attempt: those bytes are sent and their sha256 recorded.
    func process(_ frozen: FrozenItems.Item) async -> ItemOutcome {
        let item = frozen.item
        let retries = job.execution.retries
        let fileURL = item.path.map { job.url($0) }
        let clock = ContinuousClock()
        let begin = clock.now
        var attempt = 1
        var usage = TokenUsage()
        // A record's digest is the list's; a file's comes from each attempt's read.
        var sha256 = frozen.entry.sha256
        bus.publish(.itemStarted(item: item.id, attempt: 1))
        func failed(_ failure: ItemFailure) -> ItemOutcome {
            .failure(item, attempts: attempt, latency: Self.milliseconds(clock.now - begin), failure, usage: usage, sha256: sha256)
        }
        if let problem = frozen.problem { return failed(problem) }
        while true {
            if Task.isCancelled { return .cancelled(item) }
            var request = ItemRequest(item: item, fileURL: fileURL, prompt: prompt, attempt: attempt)
            if let fileURL, let path = item.path {
                do {
                    let read = try InputRead.read(fileURL, path: path, listed: frozen.entry.stamp)
                    request.content = read.bytes
                    sha256 = read.sha256
                } catch {
                    return failed(error)
                }
            }
            do {
                try await breaker.acquire()
                try await rateLimiter?.acquire()
            } catch let gaveUp as CircuitBreaker.GaveUp {
                return .gaveUp(item, outage: gaveUp.outage)
            } catch {
                return .cancelled(item)
            }
            let failure: ItemFailure
            do {
                let answer = try await provider.answer(request)
                await breaker.recordAvailable()
                usage.add(answer)
                if Task.isCancelled { return .cancelled(item) }
                // A program given the path read the file itself: it must still be the
                // bytes whose digest is recorded.
                if provider.readsInputFiles, let fileURL, let path = item.path {
                    try InputRead.confirm(fileURL, path: path, listed: frozen.entry.stamp)
                }
                switch criteria.judge(answer) {
                case .success(let result):
                    return .success(
                        item, attempts: attempt, latency: Self.milliseconds(clock.now - begin), result: JSONValueBox(value: result), usage: usage, sha256: sha256)
                case .failure(let judged):
                    failure = judged
                }
            } catch {
                if Task.isCancelled { return .cancelled(item) }
                failure = error
                if failure.isAvailability { await breaker.recordUnavailable() } else { await breaker.recordAvailable() }
            }
            // While the breaker is open an availability failure costs the item no attempt:
            // it waits for the endpoint instead of burning its retries.
            if failure.isAvailability, await breaker.isOpen {
                bus.publish(.itemRetrying(item: item.id, attempt: attempt, delayMilliseconds: 0, reason: "waiting for the endpoint: \(failure.message)"))
                continue
            }
            guard failure.isRetryable, attempt < retries.maximumAttempts else { return failed(failure) }
            let ceiling = min(retries.maximumDelay.seconds, retries.initialDelay.seconds * pow(2, Double(attempt - 1)))
            // Exponential backoff with jitter, but never sooner than the endpoint asked.
            let delay = max(ceiling * Double.random(in: 0.5...1.0), failure.retryAfterSeconds ?? 0)
            bus.publish(.itemRetrying(item: item.id, attempt: attempt + 1, delayMilliseconds: delay * 1000, reason: failure.message))
            do {
                try await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            } catch {
                return .cancelled(item)
            }
            attempt += 1
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// Records one ended item: event first (flushed to the log), then its line in
    /// results.jsonl or failed.jsonl, then the thresholds.
    func handle(_ outcome: ItemOutcome, _ progress: inout RunProgress) {
        var decision = ConsumerDecision.proceed
        var judged: Bool? = nil
        switch outcome {
        case .cancelled, .graceExpired, .stopRequested:
            return
        case .gaveUp(_, let outage):
            progress.stopNow = true
            if progress.status == .running {
                progress.status = .interrupted
                progress.interruption = "the model has been unreachable for \(Int(outage)) s, longer than breaker.give_up_after (\(job.execution.breaker.giveUpAfter)); resume the run when it is back"
            }
            return
        case .success(let item, let attempts, let latency, let box, let usage, let sha256):
            decision = bus.publish(.itemCompleted(item: item.id, attempt: attempts, latencyMilliseconds: latency, result: box.value))
            // An item whose event did not reach the log is not done: it stays to do, as
            // after a crash before the write (the log is the run's record).
            guard persist(&progress, { try bus.flush() }) else { return }
            progress.counts.succeeded += 1
            progress.latency.record(milliseconds: latency)
            progress.usage.add(usage)
            // If this line cannot be written, resume writes it from the logged event.
            persist(&progress) { try outputs.recordSuccess(item, sha256: sha256, result: box.value, usage: usage) }
            judged = true
        case .failure(let item, let attempts, let latency, let failure, let usage, let sha256):
            decision = bus.publish(.itemFailed(item: item.id, attempt: attempts, latencyMilliseconds: latency, failure: failure))
            guard persist(&progress, { try bus.flush() }) else { return }
            progress.counts.failed += 1
            progress.latency.record(milliseconds: latency)
            progress.usage.add(usage)
            persist(&progress) { try outputs.recordFailure(item, sha256: sha256, attempts: attempts, failure: failure, usage: usage) }
            if failure.kind.isQuality { judged = false }
        }
        snapshot.withLock {
            $0.counts = progress.counts
            $0.latency = progress.latency
        }
        if case .abort(let reason) = decision, progress.verdict == nil {
            progress.verdict = Verdict(check: nil, message: reason)
        }
        if case .failure(_, _, _, let failure, _, _) = outcome, failure.stopsRun, progress.verdict == nil {
            progress.verdict = Verdict(check: nil, message: failure.message)
        }
        if let judged {
            for finding in progress.monitor.record(success: judged) {
                switch finding {
                case .passed(let check):
                    bus.publish(.validationCheckpoint(check))
                case .warning(let check):
                    bus.publish(.validationWarning(check))
                    options.logger.warning("\(check.sentence); continuing (action: warn)")
                case .failed(let check):
                    bus.publish(.validationFailed(check))
                    if progress.verdict == nil { progress.verdict = Verdict(check: check, message: check.sentence) }
                }
            }
        }
        if progress.counts.completed % max(1, job.checkpointEvery) == 0 {
            saveCheckpoint(progress)
        }
    }

    /// An output that cannot be written ends the run: results must never be lost silently.
    /// Runs one write to the run folder. If it fails (a full disk, a folder removed), the
    /// run stops at once as interrupted: going on would spend model calls on results that
    /// cannot be kept. What was written stays; `vigil resume` goes on once the cause is fixed.
    @discardableResult
    func persist(_ progress: inout RunProgress, _ write: () throws -> Void) -> Bool {
        do {
            try write()
            return true
        } catch {
            progress.stopNow = true
            let reason = "\(error); the run stopped: fix that (free disk space), then resume it"
            if progress.status == .running {
                progress.status = .interrupted
                progress.interruption = reason
                options.logger.critical("\(error)")
            } else if progress.interruption != reason {
                // Said once: the same failure comes back from every later write.
                options.logger.critical("\(error)")
            }
            return false
        }
    }

    func saveCheckpoint(_ progress: RunProgress) {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("run"); writer.string(folder.runID)
        writer.key("completed"); writer.int(progress.counts.completed)
        writer.key("succeeded"); writer.int(progress.counts.succeeded)
        writer.key("failed"); writer.int(progress.counts.failed)
        writer.key("last_sequence"); writer.int(bus.lastSequence)
        writer.key("saved_at"); writer.string(Timestamp.iso8601(Timestamp.now()))
        writer.endObject()
        writer.newline()
        do {
            try AtomicFile.write(Data(writer.bytes), to: folder.checkpoint)
            bus.publish(.checkpointSaved(completed: progress.counts.completed))
        } catch {
            options.logger.error("cannot save the checkpoint: \(error)")
        }
    }
}
