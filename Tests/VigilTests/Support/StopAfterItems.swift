import Vigil

/// Asks its engine to stop (like a Ctrl-C) once `count` items have ended.
final class StopAfterItems: EventConsumer, @unchecked Sendable {
    weak var engine: RunEngine?
    let count: Int
    private var ended = 0  // only touched by the bus's inline delivery

    /// Added to `engine` at once.
    init(_ count: Int, of engine: RunEngine) {
        self.count = count
        self.engine = engine
        engine.add(self)
    }

    func consume(_ event: RunEvent) -> ConsumerDecision {
        switch event.kind {
        case .itemCompleted, .itemFailed: ended += 1
        default: return .proceed
        }
        if ended == count { engine?.requestStop(reason: "test stop") }
        return .proceed
    }
}
