public import Foundation

/// Follows a run while it goes: each `next()` first asks whether a process holds the run's
/// folder, then reads the events appended since the last step (asked in that order, a run
/// seen as not held has nothing more to write after that read). `vigil events --follow`,
/// `vigil watch` and `vigil serve` all loop over it. The shards of a run not merged yet are
/// followed together, as one run.
public struct RunFollower {
    /// What one step saw.
    public struct Step: Sendable {
        /// The events appended since the last step, shard by shard.
        public var events: [RunEvent]
        /// The process that holds the run (the first shard held), if any.
        public var holder: String?
        /// The first followed log with no end event after its last start or resume (nil: every
        /// log has its end).
        public var unended: URL?

        /// A step seen from outside (the dashboard's, when a log cannot be read on).
        package init(events: [RunEvent], holder: String?, unended: URL?) {
            self.events = events
            self.holder = holder
            self.unended = unended
        }

        /// Nothing more will be written: no process holds the run.
        public var isFinal: Bool { holder == nil }

        /// Running (and by which process), ended, or crashed (not held, and a log without an end).
        package var liveness: WatchView.Liveness {
            holder.map { .running(pid: $0) } ?? (unended == nil ? .ended : .crashed)
        }
    }

    /// The run folders followed (one, or a sharded run's shard folders).
    public let folders: [URL]
    private var tails: [EventLogTail]
    private var ended: Set<Int> = []

    /// A follower of `folders`, from the start of each log.
    public init(folders: [URL]) {
        self.folders = folders
        tails = folders.map { EventLogTail(url: $0.appendingPathComponent("events.jsonl")) }
    }

    /// One step: who holds the run, then what its logs gained. Throws the first line that is
    /// not an event (`EventLogTail.BadLine`).
    public mutating func next() throws -> Step {
        let holder = folders.lazy.compactMap { RunLock.holder(of: $0) }.first
        var events: [RunEvent] = []
        for index in tails.indices {
            for event in try tails[index].read() {
                if event.kind.endsRun {
                    ended.insert(index)
                } else if case .runResumed = event.kind {
                    ended.remove(index)
                }
                events.append(event)
            }
        }
        let unended = folders.indices.first { !ended.contains($0) }.map { folders[$0] }
        return Step(events: events, holder: holder, unended: unended)
    }
}
