import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT/SIGTERM into calls: the handler gets the signal's name and how many such
/// signals came so far (the first asks for a graceful stop, the second for an immediate one).
// @unchecked: the dispatch sources are only created in init and cancelled once.
final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let count = Atomic<Int>(0)

    init(_ signals: [Int32] = [SIGINT, SIGTERM], handler: @escaping @Sendable (String, Int) -> Void) {
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)  // delivered to the source instead of killing the process
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for (source, number) in zip(sources, signals) {
            let name = number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal \(number)"
            source.setEventHandler { [weak self] in
                guard let self else { return }
                handler(name, count.add(1, ordering: .relaxed).newValue)
            }
            source.resume()
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
