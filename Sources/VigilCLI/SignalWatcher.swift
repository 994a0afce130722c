import Synchronization
import UnixSignals

/// Turns SIGINT/SIGTERM into calls: the handler gets the signal's name and how many such
/// signals came so far (the first asks for a graceful stop, the second for an immediate
/// one). swift-service-lifecycle's `UnixSignalsSequence` traps them (so they no longer
/// kill the process, nor are lost when the shell started us with them ignored).
final class SignalWatcher: Sendable {
    private let watching: Task<Void, Never>

    init(handler: @escaping @Sendable (String, Int) -> Void) async {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        watching = Task {
            var count = 0
            for await signal in signals {
                count += 1
                handler(signal == .sigint ? "SIGINT" : "SIGTERM", count)
            }
        }
    }

    func cancel() {
        watching.cancel()
    }
}
