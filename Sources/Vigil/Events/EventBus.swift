public import Foundation
import JSONSchema
import Synchronization

/// The run's event bus: in-memory publish/subscribe plus the persistent JSONL log.
///
/// `publish` numbers the event, appends its line to the log buffer, and calls the inline
/// consumers, all under one lock, so every consumer and the log see one total order.
/// Asynchronous consumers get the event through their bounded buffers. Log lines are
/// grouped for speed and reach the file on `flush()` (the engine flushes before it reports
/// an item done, so the log is never behind the results) or when 64 KiB are waiting;
/// writes happen under the lock, so the file is always in sequence order.
public final class EventBus: Sendable {
    /// The run id every event carries.
    public let run: String
    private let state: Mutex<State>

    private struct State: ~Copyable {
        /// The log (nil: none, or not opened yet: lines wait in `writer`, and are dropped at
        /// the 64 KiB threshold while there is no log to write them to).
        var log: AppendOnlyFile?
        var sequence: Int
        var writer = JSONWriter(capacity: 1 << 17)
        var timestamps = TimestampFormatter()
        var inline: [any EventConsumer] = []
        var buffered: [BufferedConsumer] = []
        var closed = false
        /// The first failed write to the log (a full disk). From then on nothing more is
        /// written (the log ends at most in one torn line, which `vigil resume` cuts) and
        /// every `flush()` throws it, so the run stops instead of going on without a log.
        var logFailure: (any Error)?

        /// Writes the waiting lines to the log, unless a write has failed before.
        mutating func writeLines() {
            defer { writer.removeAll() }
            guard let log, logFailure == nil, writer.count > 0 else { return }
            do {
                try writer.withBytes { try log.write(UnsafeRawBufferPointer($0)) }
            } catch {
                logFailure = error
            }
        }
    }

    /// A bounded buffer of events and who reads it: an `AsyncEventConsumer` that
    /// `deliver()` drives, or (`consumer` nil) a caller iterating the stream itself
    /// (`subscribe`).
    struct BufferedConsumer: Sendable {
        let name: String
        let eventTypes: Set<String>?
        let consumer: (any AsyncEventConsumer)?
        let continuation: AsyncStream<RunEvent>.Continuation
        let stream: AsyncStream<RunEvent>
        let counters: DeliveryCounters
    }

    /// Shared with the consumer's draining task: events dropped because its buffer was
    /// full, and events accepted but not yet handled (what a bounded drain leaves behind).
    final class DeliveryCounters: Sendable {
        let dropped = Atomic<Int>(0)
        let pending = Atomic<Int>(0)
    }

    static let flushThreshold = 1 << 16

    /// - Parameters:
    ///   - logURL: the `events.jsonl` to append to (nil: no log).
    ///   - startingSequence: the last sequence number already in the log (resume).
    public convenience init(run: String, logURL: URL?, startingSequence: Int = 0) throws {
        self.init(run: run, startingSequence: startingSequence)
        if let logURL { try openLog(at: logURL) }
    }

    /// A bus whose log is opened later (`openLog`): consumers may subscribe before, and
    /// nothing is opened until the run starts.
    package init(run: String, startingSequence: Int = 0) {
        self.run = run
        self.state = Mutex(State(sequence: startingSequence))
    }

    /// Opens the `events.jsonl` to append to, before the first event is published.
    package func openLog(at url: URL) throws {
        let log = try AppendOnlyFile(appendingTo: url)
        state.withLock { $0.log = log }
    }

    /// Adds an inline consumer: called in order for every event; it may abort the run.
    public func add(_ consumer: any EventConsumer) {
        state.withLock { $0.inline.append(consumer) }
    }

    /// Adds a buffered consumer: fed through its bounded buffer by `deliver()`.
    public func add(_ consumer: any AsyncEventConsumer) {
        register(
            name: consumer.name, eventTypes: consumer.eventTypes, capacity: consumer.bufferCapacity, consumer: consumer)
    }

    /// Every event from now on, through a buffer of `capacity` events that the caller
    /// drains by iterating: when it falls behind, further events are dropped for it and
    /// counted under `name` (memory stays bounded however slow the reader). The stream
    /// ends after `close()`.
    public func subscribe(name: String, capacity: Int) -> AsyncStream<RunEvent> {
        register(name: name, eventTypes: nil, capacity: capacity, consumer: nil).stream
    }

    @discardableResult
    private func register(name: String, eventTypes: Set<String>?, capacity: Int, consumer: (any AsyncEventConsumer)?)
        -> BufferedConsumer
    {
        let (stream, continuation) = AsyncStream<RunEvent>.makeStream(
            bufferingPolicy: .bufferingOldest(max(1, capacity)))
        let buffered = BufferedConsumer(
            name: name, eventTypes: eventTypes, consumer: consumer, continuation: continuation, stream: stream,
            counters: DeliveryCounters())
        state.withLock { $0.buffered.append(buffered) }
        return buffered
    }

    /// Publishes an event now; returns the first abort an inline consumer asked for.
    @discardableResult
    public func publish(_ kind: RunEvent.Kind) -> ConsumerDecision {
        let time = Timestamp.now()
        return state.withLock { state -> ConsumerDecision in
            if state.closed {
                // After the end, only a buffered consumer's delivery failure may still be
                // recorded (it happens while the consumer drains); it goes straight to the log.
                guard case .consumerFailed = kind else { return .proceed }
                state.sequence += 1
                RunEvent(sequence: state.sequence, time: time, run: run, kind: kind).write(
                    into: &state.writer, timestamps: &state.timestamps)
                state.writer.newline()
                state.writeLines()
                return .proceed
            }
            state.sequence += 1
            let event = RunEvent(sequence: state.sequence, time: time, run: run, kind: kind)
            if state.log != nil {
                event.write(into: &state.writer, timestamps: &state.timestamps)
                state.writer.newline()
                if state.writer.count >= Self.flushThreshold {
                    // Written under the lock, so chunks reach the file in sequence order.
                    state.writeLines()
                }
            }
            var decision = ConsumerDecision.proceed
            // Through the buffer: each consumer is borrowed, not copied (retained) per event.
            state.inline.withUnsafeBufferPointer { consumers in
                for index in consumers.indices {
                    let verdict = consumers[index].consume(event)
                    if case .proceed = decision { decision = verdict }
                }
            }
            for buffered in state.buffered where buffered.eventTypes?.contains(event.type) ?? true {
                if case .dropped = buffered.continuation.yield(event) {
                    buffered.counters.dropped.add(1, ordering: .relaxed)
                } else if buffered.consumer != nil {
                    // Only what `deliver()` hands over is counted down; a subscriber's
                    // stream is its reader's to drain.
                    buffered.counters.pending.add(1, ordering: .relaxed)
                }
            }
            return decision
        }
    }

    /// Writes every waiting log line to the file (visible to `tail -f` and to a crash).
    /// Throws if the log could not be written, now or by an earlier `publish`.
    public func flush() throws {
        let failure = state.withLock { state -> (any Error)? in
            state.writeLines()
            return state.logFailure
        }
        if let failure { throw failure }
    }

    /// Flushes and forces the log to the disk (the engine does it once, at the end of a
    /// run, with the other files of the run folder).
    public func sync() throws {
        try flush()
        try state.withLock { $0.log }?.sync()
    }

    /// The last sequence number used.
    public var lastSequence: Int { state.withLock { $0.sequence } }

    /// Delivers events to the asynchronous consumers until `close()` and their buffers are
    /// empty; run it as a child task of the run. Cancelling it abandons what is still
    /// buffered (`undeliveredEvents` counts it).
    public func deliver() async {
        let consumers = state.withLock { $0.buffered }
        await withTaskGroup(of: Void.self) { group in
            for buffered in consumers {
                guard let consumer = buffered.consumer else { continue }
                group.addTask {
                    for await event in buffered.stream {
                        await consumer.consume(event)
                        buffered.counters.pending.subtract(1, ordering: .relaxed)
                        if Task.isCancelled { break }
                    }
                    await consumer.finish()
                }
            }
        }
    }

    /// Stops publication, flushes the log (without `fsync`: see `sync()`), and ends the
    /// asynchronous consumers' streams (they finish what is buffered). Returns the events
    /// dropped per slow consumer.
    @discardableResult
    public func close() throws -> [String: Int] {
        let consumers = state.withLock { state -> [BufferedConsumer] in
            state.closed = true
            return state.buffered
        }
        defer { for buffered in consumers { buffered.continuation.finish() } }
        try flush()
        return Self.tally(consumers)
    }

    /// Events dropped so far for each slow consumer.
    public var droppedEvents: [String: Int] {
        Self.tally(state.withLock { $0.buffered })
    }

    /// Events accepted for each asynchronous consumer but not handled yet: after a drain
    /// that was cut short, what it never received.
    public var undeliveredEvents: [String: Int] {
        var undelivered: [String: Int] = [:]
        for buffered in state.withLock({ $0.buffered }) {
            let count = buffered.counters.pending.load(ordering: .relaxed)
            if count > 0 { undelivered[buffered.name, default: 0] += count }
        }
        return undelivered
    }

    private static func tally(_ consumers: [BufferedConsumer]) -> [String: Int] {
        var dropped: [String: Int] = [:]
        for buffered in consumers {
            let count = buffered.counters.dropped.load(ordering: .relaxed)
            if count > 0 { dropped[buffered.name, default: 0] += count }
        }
        return dropped
    }
}
