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
    /// What the request for `request` holds that the model counts as input tokens (a
    /// budget estimates its input from this); nil when the provider cannot say.
    func inputSize(of request: ItemRequest) -> InputSize?
    /// Why no request may carry `request`'s input (a file of a kind the provider cannot send),
    /// said before anything is reserved or sent; nil when it may go.
    func refusal(of request: ItemRequest) -> ItemFailure?
}

extension ModelProvider {
    /// No long-lived work.
    public func run() async throws {}
    /// Sends `ItemRequest.content`.
    public var readsInputFiles: Bool { false }
    /// Cannot say.
    public func inputSize(of request: ItemRequest) -> InputSize? { nil }
    /// Sends whatever it is given.
    public func refusal(of request: ItemRequest) -> ItemFailure? { nil }
}

/// The part of a request the model reads as input: its bytes, and whether they are an
/// image's (an image's tokens follow its pixels, not its bytes, so the two are estimated
/// apart).
public struct InputSize: Sendable, Equatable {
    /// Bytes of text (the prompt and the item) or of the image's encoding, as sent.
    public var bytes: Int
    /// The item is an image.
    public var isImage: Bool

    /// A request's input of `bytes` bytes, an image or text (they are estimated apart).
    public init(bytes: Int, isImage: Bool) {
        self.bytes = bytes
        self.isImage = isImage
    }
}
