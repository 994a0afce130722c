public import JSONSchema

/// Tokens a model reported for an item (all its attempts), or for a whole run.
public struct TokenUsage: Sendable, Equatable {
    /// Input tokens (the prompt and the item), as the endpoint billed them.
    public var promptTokens = 0
    /// Output tokens (the answer), as the endpoint billed them.
    public var completionTokens = 0
    /// Of the input tokens, those the endpoint served from its prompt cache.
    public var cachedPromptTokens = 0
    /// No tokens reported.
    public var isEmpty: Bool { promptTokens == 0 && completionTokens == 0 }
    /// Input and output tokens.
    public var total: Int { promptTokens + completionTokens }

    /// Usage of so many input, output and cached input tokens (cached ones are part of input).
    public init(promptTokens: Int = 0, completionTokens: Int = 0, cachedPromptTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
    }

    mutating func add(_ other: TokenUsage) {
        promptTokens += other.promptTokens
        completionTokens += other.completionTokens
        cachedPromptTokens += other.cachedPromptTokens
    }

    /// `{"prompt_tokens", "completion_tokens", "cached_tokens"?}` (cached only when some were).
    public var json: JSONValue {
        var object = JSONObject()
        object["prompt_tokens"] = .number(JSONNumber(promptTokens))
        object["completion_tokens"] = .number(JSONNumber(completionTokens))
        if cachedPromptTokens > 0 { object["cached_tokens"] = .number(JSONNumber(cachedPromptTokens)) }
        return .object(object)
    }

    /// Reads `json`'s form back (absent members: zero).
    public init(json: JSONValue?) {
        func count(_ key: String) -> Int { json?[key]?.numberValue?.int64Value.map { Int(clamping: $0) } ?? 0 }
        self.init(
            promptTokens: count("prompt_tokens"), completionTokens: count("completion_tokens"),
            cachedPromptTokens: count("cached_tokens"))
    }
}
