/// A consumer called inline, in publication order, for every event: the kind that may
/// stop a run (a threshold, a circuit breaker). It must be quick and must not publish.
public protocol EventConsumer: Sendable {
    /// Return `.abort` to stop the run (in-flight items are cancelled).
    func consume(_ event: RunEvent) -> ConsumerDecision
}

/// An inline consumer with work of its own beside the run (writing a metrics file, serving
/// `/metrics`, exporting spans): `run()` goes on while the run does and is cancelled after
/// `finish()`, which is called once after the run's last event.
public protocol RunExporter: EventConsumer {
    /// The exporter's own work, until cancelled.
    func run() async
    /// After the run's last event: the final write or flush.
    func finish() async
}

/// A consumer that may be slow (a webhook, a program): it receives events through a
/// bounded buffer on its own task, so it never stalls the run. When it falls behind and
/// its buffer is full, further events are dropped for it and counted, never silently.
public protocol AsyncEventConsumer: Sendable {
    /// A name for reports of dropped events.
    var name: String { get }
    /// How many events may wait for it.
    var bufferCapacity: Int { get }
    /// Which events it wants (nil: all).
    var eventTypes: Set<String>? { get }
    func consume(_ event: RunEvent) async
    /// Called once after the last event, to flush or close.
    func finish() async
}

extension AsyncEventConsumer {
    /// 1,024 events.
    public var bufferCapacity: Int { 1024 }
    /// All events.
    public var eventTypes: Set<String>? { nil }
    /// Nothing to flush.
    public func finish() async {}
}

/// What an inline consumer wants after an event: go on, or abort the run with a reason.
public enum ConsumerDecision: Sendable, Equatable {
    case proceed
    case abort(String)
}
