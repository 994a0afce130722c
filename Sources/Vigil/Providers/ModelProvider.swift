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
}

extension ModelProvider {
    public func run() async throws {}
}
