/// Something that answers items: a local program, an OpenAI-compatible endpoint, or (in
/// benchmarks and tests) an in-process function.
public protocol ModelProvider: Sendable {
    /// A short description for `run.started` and the manifest (never a secret).
    var description: String { get }
    /// Long-lived work (a persistent worker process); the engine runs it as a child task
    /// for the whole run and cancels it at the end. Most providers have none.
    func run() async throws
    /// Answers one item, or throws the failure (classified: transport, timeout, provider...).
    func answer(_ request: ItemRequest) async throws(ItemFailure) -> ProviderAnswer
    /// The provider reads an item's file itself from `ItemRequest.fileURL` (a program
    /// given the path) instead of sending `ItemRequest.content`: the engine then checks
    /// after the answer that the file is still the one whose digest it recorded.
    var readsInputFiles: Bool { get }
}

extension ModelProvider {
    /// No long-lived work.
    public func run() async throws {}
    /// Sends `ItemRequest.content`.
    public var readsInputFiles: Bool { false }
}
