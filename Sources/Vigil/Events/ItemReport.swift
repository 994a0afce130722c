/// What `item.completed` and `item.failed` say of the item besides its result or failure:
/// which item, after how many attempts, how long it took, the tokens and cost of its answers,
/// whether the answer came from the response cache, and what was sent of an image.
public struct ItemReport: Sendable, Equatable {
    /// The item's id (its path, or a record's id field).
    public var item: String
    /// Attempts made (the last one included).
    public var attempt: Int
    /// From the first attempt to the end, ms.
    public var latencyMilliseconds: Double
    /// Tokens over all its attempts.
    public var usage: TokenUsage
    /// What they cost (nil: neither priced nor reported).
    public var spend: Spend?
    /// The answer came from the response cache: no request was sent for it.
    public var cached: Bool
    /// What the model was shown of an image input (nil: not an image).
    public var sent: SentImage?

    /// What an item's end event says of it (its result or failure travels beside it).
    public init(
        item: String, attempt: Int, latencyMilliseconds: Double, usage: TokenUsage = TokenUsage(), spend: Spend? = nil,
        cached: Bool = false, sent: SentImage? = nil
    ) {
        self.sent = sent
        self.item = item
        self.attempt = attempt
        self.latencyMilliseconds = latencyMilliseconds
        self.usage = usage
        self.spend = spend
        self.cached = cached
    }
}
