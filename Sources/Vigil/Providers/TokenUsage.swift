public import JSONSchema

/// Tokens a model reported for an item (all its attempts), or for a whole run.
public struct TokenUsage: Sendable, Equatable {
    /// Input tokens.
    public var promptTokens = 0
    /// Output tokens.
    public var completionTokens = 0
    /// No tokens reported.
    public var isEmpty: Bool { promptTokens == 0 && completionTokens == 0 }

    /// Usage.
    public init(promptTokens: Int = 0, completionTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    mutating func add(_ answer: ProviderAnswer) {
        promptTokens += answer.promptTokens ?? 0
        completionTokens += answer.completionTokens ?? 0
    }

    mutating func add(_ other: TokenUsage) {
        promptTokens += other.promptTokens
        completionTokens += other.completionTokens
    }

    var json: JSONValue {
        ["prompt_tokens": .number(JSONNumber(promptTokens)), "completion_tokens": .number(JSONNumber(completionTokens))]
    }
}
