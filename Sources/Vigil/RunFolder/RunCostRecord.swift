public import JSONSchema

/// The manifest's `cost`: what the run spent (across its resumes), the budget it kept,
/// and a canary's projection:
/// `{"usd", "priced_usd"?, "reported_usd"?, "unconfirmed_usd", "unconfirmed_tokens",
/// "overruns", "budget": {"max_cost", "max_tokens", "exhausted"}?, "projection"?}`.
public struct RunCostRecord: Sendable, Equatable {
    /// What the answers cost (the endpoint's figure where it gave one).
    public var spend: Spend
    /// Requests sent with no answer, which may still be billed: their reservations.
    public var unconfirmed: SpendLedger.Amount
    /// Answers that cost more than their reservation.
    public var overruns: Int
    /// The caps kept (nil: none).
    public var budget: BudgetSpec?
    /// The budget refused a request and the run stopped there.
    public var exhausted: Bool
    /// `vigil run --canary`: the projection for the whole input set.
    public var projection: JSONValue?

    /// What the manifest records of a run's cost, from its ledger at the end.
    public init(
        spend: Spend, unconfirmed: SpendLedger.Amount, overruns: Int, budget: BudgetSpec?, exhausted: Bool,
        projection: JSONValue?
    ) {
        self.spend = spend
        self.unconfirmed = unconfirmed
        self.overruns = overruns
        self.budget = budget
        self.exhausted = exhausted
        self.projection = projection
    }

    /// The manifest's `cost` object (read back by `init(json:)`).
    public var json: JSONValue {
        guard case .object(var object) = spend.json else { return .null }
        object["unconfirmed_usd"] = unconfirmed.cost.json
        object["unconfirmed_tokens"] = .number(JSONNumber(unconfirmed.tokens))
        object["overruns"] = .number(JSONNumber(overruns))
        if let budget { object["budget"] = Self.json(budget, exhausted: exhausted) }
        if let projection { object["projection"] = projection }
        return .object(object)
    }

    /// Reads the manifest's form back (nil: not one).
    public init?(json: JSONValue?) {
        guard let json, let spend = Spend(json: json) else { return nil }
        self.spend = spend
        unconfirmed = SpendLedger.Amount(
            cost: Dollars(json: json["unconfirmed_usd"]) ?? .zero,
            tokens: json["unconfirmed_tokens"]?.numberValue?.int64Value.map { Int(clamping: $0) } ?? 0)
        overruns = json["overruns"]?.numberValue?.int64Value.map { Int(clamping: $0) } ?? 0
        budget = BudgetSpec(json: json["budget"])
        exhausted = json["budget"]?["exhausted"] == .bool(true)
        projection = json["projection"]
    }

    /// `{"max_cost", "max_tokens", "exhausted"?}`.
    public static func json(_ budget: BudgetSpec, exhausted: Bool?) -> JSONValue {
        var object = budget.json.objectValue ?? JSONObject()
        if let exhausted { object["exhausted"] = .bool(exhausted) }
        return .object(object)
    }
}
