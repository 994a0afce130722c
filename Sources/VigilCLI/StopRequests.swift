import Foundation
import Synchronization
import Vigil

/// Ctrl-C and SIGTERM for the commands that run items, watched from the command's first
/// line: a signal that comes while the job is still being loaded, checked or repaired is
/// not lost (an inherited "ignore" would drop it; the default would kill mid-setup). The
/// first asks the run to stop gracefully — at once if the engine exists, or as soon as it
/// does — and the second stops now.
final class StopRequests: Sendable {
    private final class Target: Sendable {
        struct State {
            var engine: RunEngine?
            var task: Task<RunSummary, Never>?
            var reason: String?
        }
        let state = Mutex(State())

        func signal(_ name: String, _ count: Int) {
            let (engine, task) = state.withLock { state in
                if count == 1 { state.reason = "interrupted by \(name)" }
                return (state.engine, state.task)
            }
            if count == 1 {
                Console.error(
                    "\n\(name): taking no new items; the ones in flight are finishing (press Ctrl-C again to stop at once)"
                )
                engine?.requestStop(reason: "interrupted by \(name)")
            } else if let task {
                task.cancel()
            } else {
                // Nothing has been sent yet: nothing to finish or record.
                Console.error("\(name): stopped before the run began")
                Foundation.exit(ExitStatus.interrupted.rawValue)
            }
        }
    }

    private let target = Target()
    private let watcher: SignalWatcher

    init() async {
        let target = self.target
        watcher = await SignalWatcher { name, count in target.signal(name, count) }
    }

    /// Runs the engine, applying a stop that was asked for before it existed.
    func run(_ engine: RunEngine) async -> RunSummary {
        let task = Task { await engine.run() }
        let pending = target.state.withLock { state in
            state.engine = engine
            state.task = task
            return state.reason
        }
        if let pending { engine.requestStop(reason: pending) }
        let summary = await task.value
        watcher.cancel()
        return summary
    }
}
