/// The item loop's state, passed through its steps (`RunEngine+Items.swift`): what the run
/// has recorded, how far stopping has gone, and how many items are in flight. Only the loop's
/// one task holds it, so none of it needs a lock.
struct ItemLoop {
    /// How the loop is stopping.
    enum Stop {
        case no
        /// Take no new item; let those in flight end and record them (a stop request, an
        /// input that went bad, another shard's abort, a spent budget).
        case graceful
        /// Cancel what is in flight; it stays to do (an abort, an outage, a second Ctrl-C).
        case immediate
    }

    /// What the loop's task group delivers: an item's end, or one of the loop's own signals.
    enum Event: Sendable {
        case ended(ItemOutcome)
        /// The grace period after a stop request ran out (or was called off).
        case graceExpired
        /// A stop was requested (wakes the loop while every item is busy).
        case stopRequested
        /// Another shard gave the run's verdict at the coordinator.
        case anotherShardAborted(shard: String, reason: String)
        /// Nothing to act on (a watcher cancelled as the loop ends).
        case idle
    }

    var progress: RunProgress
    var stop: Stop
    var inFlight = 0
    /// The list has no item left.
    var exhausted = false
    /// This run stopped because another shard aborted: it does not announce its own abort.
    var stoppedByAnotherShard = false
    /// A coordinated shard's abort, being written as the run's verdict (awaited before the
    /// loop returns: the other shards must learn of it even as this one ends).
    var announcement: Task<Void, Never>?

    /// A loop that starts from `progress`: stopped at once if a resumed run had already
    /// failed a threshold, or its folder could not be written from the start.
    init(_ progress: RunProgress) {
        self.progress = progress
        stop = progress.ending == nil && !progress.stopNow ? .no : .immediate
    }

    /// Whether the loop may launch another item now.
    func canLaunch(concurrency: Int) -> Bool { stop == .no && !exhausted && inFlight < concurrency }
}
