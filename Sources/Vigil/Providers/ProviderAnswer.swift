/// A provider's raw answer: the text the model produced, and what it cost.
public struct ProviderAnswer: Sendable {
    /// The text the model produced.
    public var text: String
    /// Input tokens the endpoint reported.
    public var promptTokens: Int?
    /// Output tokens the endpoint reported.
    public var completionTokens: Int?
    /// Of the input tokens, those served from the endpoint's prompt cache.
    public var cachedPromptTokens: Int?
    /// What the endpoint said the request cost, when it says (OpenRouter's `usage.cost`,
    /// a proxy's `x-litellm-response-cost` header).
    public var reportedCost: Dollars?

    /// An answer's text and, when the endpoint reported them, its tokens and cost.
    public init(
        text: String, promptTokens: Int? = nil, completionTokens: Int? = nil, cachedPromptTokens: Int? = nil,
        reportedCost: Dollars? = nil
    ) {
        self.text = text
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
        self.reportedCost = reportedCost
    }

    /// The tokens of this one answer.
    public var usage: TokenUsage {
        TokenUsage(
            promptTokens: promptTokens ?? 0, completionTokens: completionTokens ?? 0,
            cachedPromptTokens: cachedPromptTokens ?? 0)
    }

    /// The endpoint reported how many tokens the request used.
    public var reportsUsage: Bool { promptTokens != nil || completionTokens != nil }
}
