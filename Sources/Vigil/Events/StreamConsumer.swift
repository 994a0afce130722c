/// The consumer behind `RunEngine.events()`: forwards events into an `AsyncStream`.
struct StreamConsumer: AsyncEventConsumer {
    let continuation: AsyncStream<RunEvent>.Continuation
    let bufferCapacity: Int
    var name: String { "events()" }

    func consume(_ event: RunEvent) async {
        continuation.yield(event)
    }

    func finish() async {
        continuation.finish()
    }
}
