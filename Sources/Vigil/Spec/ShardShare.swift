import Foundation
public import JSONSchema

/// What one shard of a run keeps of the run's caps when no coordinator shares them: 1/N of
/// `budget.max_cost` and `budget.max_tokens` (rounded down, so the N parts never add up to
/// more than the whole) and 1/N of `execution.rate_limit` (a fractional rate is fine). Each
/// shard then keeps its part alone, and the run's caps hold whatever N is. (Before, each shard
/// kept the whole budget: four shards billed 3.9 times `max_cost`, and sent 3.5 times the rate.)
///
/// Recorded in the shard's manifest (`shard.share`), so a resume keeps the same part and
/// `vigil merge` can check the shards' spend against the run's cap.
public struct ShardShare: Sendable, Equatable {
    /// How many shards split the caps.
    public var count: Int
    /// This shard's part of the budget (nil: the job has none).
    public var budget: BudgetSpec?
    /// The whole run's budget, as the job states it.
    public var runBudget: BudgetSpec?
    /// The whole run's rate limit: each shard sends 1/`count` of it.
    public var runRateLimit: ExecutionSpec.RateLimit?

    /// The part of `job`'s caps one of `count` shards keeps.
    /// What one of `count` shards of `job` keeps, when it keeps a part: the job has caps, and
    /// no coordinator shares them (nil otherwise: the caps are the run's whole ones).
    public static func kept(by job: JobSpec, among count: Int) -> ShardShare? {
        guard count > 1, job.coordinator == nil, job.budget != nil || job.execution.rateLimit != nil else { return nil }
        return ShardShare(of: job, among: count)
    }

    public init(of job: JobSpec, among count: Int) {
        self.count = max(1, count)
        runBudget = job.budget
        budget = job.budget.map { $0.share(among: self.count) }
        runRateLimit = job.execution.rateLimit
    }

    /// Requests per second this shard may send (nil: no rate limit).
    public var requestsPerSecond: Double? {
        runRateLimit.map { Double($0.requests) / max($0.per.seconds, 0.001) / Double(count) }
    }

    /// `max_cost $0.0125 (1/4 of $0.05), 2.5 requests/s (1/4 of 10 per 1s)`; empty when the
    /// job has no caps.
    public var summary: String {
        var parts: [String] = []
        if let budget, let whole = runBudget {
            if let part = budget.maxCost, let all = whole.maxCost {
                parts.append("max_cost \(part) (1/\(count) of \(all))")
            }
            if let part = budget.maxTokens, let all = whole.maxTokens {
                parts.append("max_tokens \(part) (1/\(count) of \(all))")
            }
        }
        if let rate = runRateLimit, let perSecond = requestsPerSecond {
            parts.append(
                "\(Self.rate(perSecond)) requests/s (1/\(count) of \(rate.requests) per \(rate.per.text))")
        }
        return parts.joined(separator: ", ")
    }

    /// `2.5`, `0.125`, `10`.
    static func rate(_ perSecond: Double) -> String {
        var text = String(format: "%.4f", perSecond)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// `{"of": 4, "budget": {...}?, "run_budget": {...}?, "rate_limit": {"requests", "per"}?}`.
    public var json: JSONValue {
        var object = JSONObject()
        object["of"] = .number(JSONNumber(count))
        if let budget { object["budget"] = budget.json }
        if let runBudget { object["run_budget"] = runBudget.json }
        if let rate = runRateLimit {
            var limit = JSONObject()
            limit["requests"] = .number(JSONNumber(rate.requests))
            limit["per"] = .string(rate.per.text)
            object["rate_limit"] = .object(limit)
        }
        return .object(object)
    }

    /// Read back from a manifest (nil: not a share).
    public init?(json: JSONValue?) {
        guard let json, let count = json["of"]?.numberValue?.int64Value, count >= 1 else { return nil }
        self.count = Int(count)
        budget = BudgetSpec(json: json["budget"])
        runBudget = BudgetSpec(json: json["run_budget"])
        runRateLimit = json["rate_limit"].flatMap { limit in
            guard let requests = limit["requests"]?.numberValue?.int64Value,
                let per = limit["per"]?.stringValue.flatMap(JobDuration.init)
            else { return nil }
            return ExecutionSpec.RateLimit(requests: Int(requests), per: per)
        }
    }
}

extension BudgetSpec {
    /// 1/`count` of each cap, rounded down (to the picodollar, to the token).
    public func share(among count: Int) -> BudgetSpec {
        let parts = max(1, count)
        return BudgetSpec(
            maxCost: maxCost.map { Dollars(picodollars: $0.picodollars / Int64(parts)) },
            maxTokens: maxTokens.map { $0 / parts })
    }
}
