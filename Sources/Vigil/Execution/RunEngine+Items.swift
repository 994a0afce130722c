import Foundation
import JSONSchema
import Logging
import Synchronization

extension RunEngine {
    /// The item loop: keeps `concurrency` items in flight, handles each outcome in this one
    /// task (so counts and thresholds need no locks), and stops launching on an abort, a
    /// stop request or an input error. Besides the items, the group holds a task that wakes
    /// the loop when a stop is requested (so a Ctrl-C is acted on while every item is still
    /// busy) and, once stopping, the grace period's timer; both are cancelled when the last
    /// item has ended. Each step below takes the loop's state and gives it back changed.
    ///
    /// - Parameters:
    ///   - pending: the list, read on from where it stands; left where the loop stopped.
    ///   - handsOff: true once the rest goes elsewhere (a `model.batch` run's canary has
    ///     passed): no item is launched after, those in flight end.
    ///   - skipping: items not to run live (they are in a provider batch).
    func processItems(
        _ start: RunProgress, pending: inout ItemQueue, handsOff: (RunProgress) -> Bool = { _ in false },
        skipping: Set<String> = []
    ) async -> RunProgress {
        var loop = ItemLoop(start)
        let opened = openedRun
        // A sharded run: another shard's abort stops this one too; this one's, the others.
        let shardStop = manifestBase.shard.map { _ in ShardStop(shardFolder: folder.url) }
        let coordination = self.coordination
        if let coordination, loop.stop == .no,
            let verdict = try? await coordination.store.verdict(run: coordination.runID)
        {
            // The run was judged before this shard started: it takes no item.
            loop.stoppedByAnotherShard = true
            loop.stop = .immediate
            loop.progress.end(.aborted(Self.anotherShardsVerdict(shard: verdict.shard, reason: verdict.reason)))
        }
        await withTaskGroup(of: ItemLoop.Event.self) { group in
            group.addTask {
                for await _ in self.stopSignals { return .stopRequested }
                return .stopRequested
            }
            if let coordination, loop.stop == .no {
                group.addTask { await Self.watchVerdict(of: coordination) }
            }
            launch(&loop, &group, opened, from: &pending, handsOff: handsOff, skipping: skipping, shardStop: shardStop)
            if loop.inFlight == 0 { group.cancelAll() }
            while let event = await group.next() {
                switch event {
                case .stopRequested:
                    launch(
                        &loop, &group, opened, from: &pending, handsOff: handsOff, skipping: skipping,
                        shardStop: shardStop)
                case .graceExpired:
                    cancelAfterGrace(&loop, &group)
                case .anotherShardAborted(let shard, let reason):
                    if loop.stop == .no { stopForAnotherShard(shard: shard, reason: reason, &loop, &group) }
                case .idle:
                    break
                case .ended(let outcome):
                    itemEnded(outcome, &loop, &group, opened, shardStop: shardStop)
                    launch(
                        &loop, &group, opened, from: &pending, handsOff: handsOff, skipping: skipping,
                        shardStop: shardStop)
                }
                // The last item has ended: end the stop watcher and the grace timer too.
                if loop.inFlight == 0 { group.cancelAll() }
            }
        }
        await loop.announcement?.value
        return loop.progress
    }

    /// Waits for the run's verdict at the coordinator: another shard's abort (this shard's
    /// own needs no telling). A coordinator lost while waiting stops the shard as interrupted.
    private static func watchVerdict(of coordination: RunCoordination) async -> ItemLoop.Event {
        while !Task.isCancelled {
            do {
                let verdict = try await coordination.store.waitForVerdict(run: coordination.runID)
                if verdict.shard != coordination.shard {
                    return .anotherShardAborted(shard: verdict.shard, reason: verdict.reason)
                }
                // Its own: the loop is stopping already.
                return .idle
            } catch {
                if Task.isCancelled { return .idle }
                coordination.lost(because: error)
                return .stopRequested
            }
        }
        return .idle
    }

    /// What a shard stopped by another's abort records as its verdict.
    static func anotherShardsVerdict(shard: String, reason: String) -> Verdict {
        Verdict(check: nil, message: "shard \(shard) aborted the run: \(reason)")
    }

    /// Another shard aborted the run: take no new item, let those in flight end.
    private func stopForAnotherShard(
        shard: String, reason: String, _ loop: inout ItemLoop, _ group: inout TaskGroup<ItemLoop.Event>
    ) {
        loop.stoppedByAnotherShard = true
        loop.progress.end(.aborted(Self.anotherShardsVerdict(shard: shard, reason: reason)))
        stopGracefully(&loop, &group)
    }

    /// Acts on what asks the loop to stop, then launches items from `pending` until
    /// `concurrency` are in flight, the list ends, or the rest goes elsewhere (`handsOff`).
    private func launch(
        _ loop: inout ItemLoop, _ group: inout TaskGroup<ItemLoop.Event>, _ opened: OpenedRun,
        from pending: inout ItemQueue,
        handsOff: (RunProgress) -> Bool, skipping: Set<String>, shardStop: ShardStop?
    ) {
        checkStops(&loop, &group, shardStop: shardStop)
        let concurrency = max(1, job.execution.concurrency)
        while loop.canLaunch(concurrency: concurrency) && !handsOff(loop.progress) {
            do {
                guard let next = try pending.next() else {
                    loop.exhausted = true
                    break
                }
                if !belongs(next.item.id) || skipping.contains(next.item.id) { continue }
                loop.inFlight += 1
                group.addTask { .ended(await opened.attempts.run(next)) }
            } catch {
                // The list, or a JSON Lines input, went bad since setup: stop taking items,
                // finish the others.
                let message = "the run's items cannot be read on: \(error)"
                options.logger.error("\(message)")
                loop.progress.end(.failed(message))
                stopGracefully(&loop, &group)
            }
        }
        snapshot.withLock { $0.inFlight = loop.inFlight }
    }

    /// What stops the loop from outside the items: a stall threshold with action abort (see
    /// `watchForStalls`), another shard's abort, a stop request (Ctrl-C, SIGTERM).
    private func checkStops(_ loop: inout ItemLoop, _ group: inout TaskGroup<ItemLoop.Event>, shardStop: ShardStop?) {
        if loop.stop != .immediate, let verdict = abortRequest.withLock({ $0 }) {
            loop.progress.end(.aborted(verdict))
            stopAtOnce(&loop, &group)
        }
        if loop.stop == .no, let marker = shardStop?.read() {
            stopForAnotherShard(shard: "\(marker.shard)", reason: marker.reason, &loop, &group)
        }
        if loop.stop == .no, let reason = stopRequest.current {
            stopGracefully(&loop, &group)
            loop.progress.end(.interrupted(reason))
        }
    }

    /// Records an item's end, tells the other shards of an abort, and decides how the loop
    /// goes on: cancel what is in flight (an abort that stops at once, a failed write), or
    /// let it end and send nothing new (a spent budget: what is in flight is paid for).
    private func itemEnded(
        _ outcome: ItemOutcome, _ loop: inout ItemLoop, _ group: inout TaskGroup<ItemLoop.Event>, _ opened: OpenedRun,
        shardStop: ShardStop?
    ) {
        loop.inFlight -= 1
        if Task.isCancelled && loop.stop != .immediate {
            loop.progress.end(.interrupted("stopped at once"))
            stopAtOnce(&loop, &group)
        }
        // After an immediate stop, what was in flight was cancelled: it stays to do.
        if loop.stop != .immediate { record(outcome, &loop.progress, in: opened) }
        let verdict = loop.progress.verdict
        if let shard = manifestBase.shard, !loop.stoppedByAnotherShard, let verdict, verdict.stopsAtOnce {
            shardStop?.write(shard: shard, reason: verdict.message)
            if let coordination, loop.announcement == nil {
                loop.announcement = Task { await coordination.announceAbort(verdict.message) }
            }
        }
        if loop.stop != .immediate && ((verdict?.stopsAtOnce ?? false) || loop.progress.stopNow) {
            stopAtOnce(&loop, &group)
        } else if loop.stop == .no && loop.progress.budgetExhausted {
            stopGracefully(&loop, &group)
        }
    }

    /// The grace period after a stop ran out: what is still in flight is cancelled (it stays
    /// to do), and the run's ending says so.
    private func cancelAfterGrace(_ loop: inout ItemLoop, _ group: inout TaskGroup<ItemLoop.Event>) {
        guard loop.stop == .graceful && loop.inFlight > 0 else { return }
        let cancelled =
            "the grace period (execution.grace_period, \(job.execution.gracePeriod)) ran out and \(loop.inFlight) items in flight were cancelled (they stay to do)"
        if case .interrupted(let reason)? = loop.progress.ending {
            loop.progress.ending = .interrupted(reason + "; " + cancelled)
        } else {
            loop.progress.end(.interrupted("stopped; " + cancelled))
        }
        stopAtOnce(&loop, &group)
    }

    /// Takes no new item; those in flight get the grace period to finish, then are cancelled.
    private func stopGracefully(_ loop: inout ItemLoop, _ group: inout TaskGroup<ItemLoop.Event>) {
        loop.stop = .graceful
        let grace = job.execution.gracePeriod
        group.addTask {
            try? await Task.sleep(for: .milliseconds(Int64(grace.seconds * 1000)))
            return .graceExpired
        }
    }

    /// Cancels what is in flight; it stays to do.
    private func stopAtOnce(_ loop: inout ItemLoop, _ group: inout TaskGroup<ItemLoop.Event>) {
        loop.stop = .immediate
        group.cancelAll()
    }

    /// Records an ended item (`RunRecorder`) and shows it to the progress ticker.
    func record(_ outcome: ItemOutcome, _ progress: inout RunProgress) {
        record(outcome, &progress, in: openedRun)
    }

    /// `record`, with what `start()` opened (the item loop holds it already).
    func record(_ outcome: ItemOutcome, _ progress: inout RunProgress, in opened: OpenedRun) {
        opened.recorder.record(outcome, &progress)
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
