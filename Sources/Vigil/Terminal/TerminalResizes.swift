import Synchronization
import UnixSignals

/// Follows SIGWINCH, the signal a terminal sends its foreground processes when it is resized:
/// a live view redraws at once at the new width rather than at its next tick, before the
/// terminal's own reflow of the old frame has been seen for long.
package final class TerminalResizes: Sendable {
    private let watching: Task<Void, Never>
    /// Shared with the watching task, which starts before `self` is whole.
    private final class Count: Sendable {
        let value = Mutex(0)
    }
    private let seen = Count()

    /// Calls `handler` after each resize (from a task of its own).
    package init(handler: @escaping @Sendable () -> Void = {}) async {
        let signals = await UnixSignalsSequence(trapping: .sigwinch)
        let seen = seen
        watching = Task {
            for await _ in signals {
                seen.value.withLock { $0 += 1 }
                handler()
            }
        }
    }

    /// How many resizes came so far: a loop that polls redraws when it changed.
    package var count: Int { seen.value.withLock { $0 } }

    deinit {
        watching.cancel()
    }
}
