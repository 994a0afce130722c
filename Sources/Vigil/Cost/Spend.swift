public import JSONSchema

/// What an item (all its attempts), or a whole run, cost: the figure from the job's prices,
/// the figure the endpoint reported, and the one that counts (the endpoint's when it gave
/// one, else the priced one: an endpoint knows its discounts and surcharges, a price list
/// in a job may be out of date).
public struct Spend: Sendable, Equatable {
    /// What counts: summed per answer, the endpoint's figure where there is one.
    public var charged = Dollars.zero
    /// At the job's prices (nil: the job has none).
    public var priced: Dollars?
    /// As the endpoint reported it (nil: it reported none).
    public var reported: Dollars?

    /// Nothing spent, priced or reported yet.
    public init() {}

    /// An amount, with its parts.
    public init(charged: Dollars, priced: Dollars?, reported: Dollars?) {
        self.charged = charged
        self.priced = priced
        self.reported = reported
    }

    /// One answer's cost: its tokens at `pricing` (less the batch discount for an answer from
    /// a batch), and what the endpoint said. An answer that reports no tokens has no priced
    /// cost (unknown, not $0).
    public init(_ answer: ProviderAnswer, pricing: PricingSpec?, batch: Bool = false) {
        priced = answer.reportsUsage ? pricing?.cost(of: answer.usage, batch: batch) : nil
        reported = answer.reportedCost
        charged = reported ?? priced ?? .zero
    }

    /// Neither priced nor reported: nothing is known about the cost.
    public var isUnknown: Bool { priced == nil && reported == nil }

    /// Adds another item's (or answer's) spend.
    public mutating func add(_ other: Spend) {
        charged += other.charged
        if let value = other.priced { priced = (priced ?? .zero) + value }
        if let value = other.reported { reported = (reported ?? .zero) + value }
    }

    /// `{"usd", "priced_usd"?, "reported_usd"?}`, exact decimals.
    public var json: JSONValue {
        var object = JSONObject()
        object["usd"] = charged.json
        if let priced { object["priced_usd"] = priced.json }
        if let reported { object["reported_usd"] = reported.json }
        return .object(object)
    }

    /// Reads `json`'s form back; nil when `value` is not one.
    public init?(json value: JSONValue?) {
        guard let value, let charged = Dollars(json: value["usd"]) else { return nil }
        self.init(
            charged: charged, priced: Dollars(json: value["priced_usd"]), reported: Dollars(json: value["reported_usd"])
        )
    }
}

extension PricingSpec {
    /// What `usage` costs at these prices (cached input tokens at the cached price; through
    /// the batch API, less the batch discount).
    public func cost(of usage: TokenUsage, batch: Bool = false) -> Dollars {
        let cached = min(usage.cachedPromptTokens, usage.promptTokens)
        let full =
            input * (usage.promptTokens - cached) + (cachedInput ?? input) * cached + output * usage.completionTokens
        guard batch, let batchDiscount, batchDiscount > 0 else { return full }
        return Dollars(picodollars: Int64((Double(full.picodollars) * (1 - batchDiscount)).rounded()))
    }
}
