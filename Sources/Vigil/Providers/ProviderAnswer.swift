/// A provider's raw answer: the text the model produced, and what it cost.
public struct ProviderAnswer: Sendable {
    /// The text the model produced.
    public var text: String
    /// Input tokens the endpoint reported.
    public var promptTokens: Int?
    /// Output tokens the endpoint reported.
    public var completionTokens: Int?

    /// An answer.
    public init(text: String, promptTokens: Int? = nil, completionTokens: Int? = nil) {
        self.text = text
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}
