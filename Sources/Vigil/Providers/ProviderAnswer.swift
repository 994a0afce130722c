/// A provider's raw answer: the text the model produced, and what it cost.
public struct ProviderAnswer: Sendable {
    public var text: String
    public var promptTokens: Int?
    public var completionTokens: Int?

    public init(text: String, promptTokens: Int? = nil, completionTokens: Int? = nil) {
        self.text = text
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}
