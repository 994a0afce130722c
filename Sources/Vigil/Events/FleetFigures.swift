import Foundation
public import JSONSchema

/// A coordinated shard's view of its whole run, every shard together, as the coordinator had
/// it: in `progress` events (`fleet`), `vigil watch` and the manifest.
public struct FleetFigures: Sendable, Equatable {
    /// What every shard has spent.
    public var spent: Dollars
    /// The run's `budget.max_cost` (nil: none).
    public var maxCost: Dollars?
    /// Items judged by the run's thresholds, in every shard.
    public var judged: Int
    /// Of those, the ones that succeeded.
    public var succeeded: Int
    /// Judged items a second, over the whole run, lately (nil before two readings).
    public var itemsPerSecond: Double?
    /// The run's verdict, `shard 2/4: reason` (nil: none yet).
    public var verdict: String?

    public init(
        spent: Dollars, maxCost: Dollars?, judged: Int, succeeded: Int, itemsPerSecond: Double? = nil,
        verdict: String? = nil
    ) {
        self.spent = spent
        self.maxCost = maxCost
        self.judged = judged
        self.succeeded = succeeded
        self.itemsPerSecond = itemsPerSecond
        self.verdict = verdict
    }

    /// `whole run: $0.0219 of $0.05 spent · 27 judged, 93% succeeded · 10.8 items/s`, then the
    /// verdict when there is one (the spend only when something is priced or capped).
    public var sentence: String {
        var parts: [String] = []
        // Spend when anything is priced or capped (a free run has none to show).
        if spent > .zero || maxCost != nil { parts.append("\(spent)" + (maxCost.map { " of \($0)" } ?? "") + " spent") }
        parts.append(
            "\(judged) judged"
                + (judged > 0 ? ", \(ThresholdCheck.percent(Double(succeeded) / Double(judged))) succeeded" : ""))
        if let itemsPerSecond { parts.append(String(format: "%.1f items/s", itemsPerSecond)) }
        if let verdict { parts.append("verdict: \(verdict)") }
        return "whole run: " + parts.joined(separator: " · ")
    }
}

extension FleetFigures {
    /// `{"spent_usd", "max_cost_usd"?, "judged", "succeeded", "items_per_second"?, "verdict"?}`.
    public var json: JSONValue {
        var object = JSONObject()
        object["spent_usd"] = spent.json
        if let maxCost { object["max_cost_usd"] = maxCost.json }
        object["judged"] = .number(JSONNumber(judged))
        object["succeeded"] = .number(JSONNumber(succeeded))
        if let itemsPerSecond {
            object["items_per_second"] = .number(
                JSONNumber(parsing: Array(String(format: "%.3f", itemsPerSecond).utf8))!)
        }
        if let verdict { object["verdict"] = .string(verdict) }
        return .object(object)
    }

    /// Read back from an event's `fleet` (nil: absent or not in this shape).
    public init?(json: JSONValue?) {
        guard let json, let spent = Dollars(json: json["spent_usd"]),
            let judged = json["judged"]?.numberValue?.int64Value
        else { return nil }
        self.init(
            spent: spent, maxCost: Dollars(json: json["max_cost_usd"]), judged: Int(judged),
            succeeded: Int(json["succeeded"]?.numberValue?.int64Value ?? 0),
            itemsPerSecond: json["items_per_second"]?.numberValue?.doubleValue, verdict: json["verdict"]?.stringValue)
    }
}
