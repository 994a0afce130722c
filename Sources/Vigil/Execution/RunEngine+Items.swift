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
    ///
    /// - Parameters:
    ///   - pending: the list, read on from where it stands; left where the loop stopped.
    ///   - handsOff: true once the rest goes elsewhere (a `model.batch` run's canary has
    ///     passed): no item is launched after, those in flight end.
    ///   - skipping: items not to run live (they are in a provider batch).
    func processItems(
        _ start: RunProgress, pending: inout FrozenItems, handsOff: (RunProgress) -> Bool = { _ in false },
        skipping: Set<String> = []
    ) async -> RunProgress {
        var progress = start
        let concurrency = max(1, job.execution.concurrency)
        // A resumed run whose threshold had already failed ends at once, as aborted; so
        // does a run whose folder could not be written from the start.
        var stop = start.ending == nil && !start.stopNow ? Stop.no : Stop.immediate
        var exhausted = false
        // A sharded run: another shard's abort stops this one too; this one's, the others.
        let shardStop = manifestBase.shard.map { _ in ShardStop(shardFolder: folder.url) }
        var stoppedByAnotherShard = false
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
                // A stall threshold with action abort (see `watchForStalls`).
                if stop != .immediate, let verdict = abortRequest.withLock({ $0 }) {
                    progress.end(.aborted(verdict))
                    stopAtOnce()
                }
                if stop == .no, let marker = shardStop?.read() {
                    stoppedByAnotherShard = true
                    progress.end(
                        .aborted(
                            Verdict(check: nil, message: "shard \(marker.shard) aborted the run: \(marker.reason)")))
                    stopGracefully()
                }
                if stop == .no, let reason = stopRequest.current {
                    stopGracefully()
                    progress.end(.interrupted(reason))
                }
                while stop == .no, !exhausted, inFlight < concurrency, !handsOff(progress) {
                    do {
                        guard let next = try pending.next() else {
                            exhausted = true
                            break
                        }
                        if !belongs(next.item.id) || skipping.contains(next.item.id) { continue }
                        inFlight += 1
                        group.addTask { await self.attempts.run(next) }
                    } catch {
                        // The list, or a JSON Lines input, went bad since setup: stop taking
                        // items, finish the others.
                        let message = "the run's items cannot be read on: \(error)"
                        options.logger.error("\(message)")
                        progress.end(.failed(message))
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
                        let cancelled =
                            "the grace period (execution.grace_period, \(grace)) ran out and \(inFlight) items in flight were cancelled (they stay to do)"
                        if case .interrupted(let reason)? = progress.ending {
                            progress.ending = .interrupted(reason + "; " + cancelled)
                        } else {
                            progress.end(.interrupted("stopped; " + cancelled))
                        }
                        stopAtOnce()
                    }
                default:
                    inFlight -= 1
                    if Task.isCancelled && stop != .immediate {
                        progress.end(.interrupted("stopped at once"))
                        stopAtOnce()
                    }
                    // After an immediate stop, what was in flight was cancelled: it stays to do.
                    if stop != .immediate { record(outcome, &progress) }
                    if let shard = manifestBase.shard, !stoppedByAnotherShard, let verdict = progress.verdict,
                        verdict.stopsAtOnce
                    {
                        shardStop?.write(shard: shard, reason: verdict.message)
                    }
                    if stop != .immediate && ((progress.verdict?.stopsAtOnce ?? false) || progress.stopNow) {
                        stopAtOnce()
                    } else if stop == .no && progress.budgetExhausted {
                        // Those in flight are within the budget and paid for: they end and
                        // are recorded; no new item is sent.
                        stopGracefully()
                    }
                    launch()
                }
                // The last item has ended: end the stop watcher and the grace timer too.
                if inFlight == 0 { group.cancelAll() }
            }
        }
        return progress
    }

    /// Records an ended item (`RunRecorder`) and shows it to the progress ticker.
    func record(_ outcome: ItemOutcome, _ progress: inout RunProgress) {
        recorder.record(outcome, &progress)
        snapshot.withLock {
            $0.counts = progress.counts
            $0.latency = progress.latency
            if case .success = outcome { $0.lastSuccess = Timestamp.now() }
        }
    }

    /// The item is this run's to do: not done before a resume, and in the run's subset (a
    /// retry of failures) if it has one.
    func belongs(_ id: String) -> Bool {
        !done.contains(id) && only.map { $0.contains(id) } != false
    }

    /// Asks the run to stop taking items; those in flight end and are recorded, then the
    /// run ends as interrupted. (Cancelling the task that runs `run()` stops at once.)
    public func requestStop(reason: String) {
        stopRequest.request(reason)
        stopSignal.yield()
    }

}
