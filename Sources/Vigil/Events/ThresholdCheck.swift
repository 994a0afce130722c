import Foundation

/// A threshold check and its outcome.
public struct ThresholdCheck: Sendable, Equatable {
    /// `early`, `progressive`, `window`, `max_consecutive_failures`, `stall`, `reference`, or
    /// `fields.<name>` (a field's fill rate).
    public var check: String
    /// Items judged when the check ran (a window: its size).
    public var completed: Int
    /// The measured value: a success rate, or a count of consecutive failures.
    public var value: Double
    /// The limit it was held against.
    public var limit: Double
    /// Whether the value met the limit.
    public var passed: Bool
    /// `abort` or `warn`: what a failure of this check does.
    public var action: String

    /// What one threshold check found after `completed` items: its rate against its limit.
    public init(check: String, completed: Int, value: Double, limit: Double, passed: Bool, action: String) {
        self.check = check
        self.completed = completed
        self.value = value
        self.limit = limit
        self.passed = passed
        self.action = action
    }

    /// One line a person understands; it says what the check found, passed or not.
    public var sentence: String {
        if check == "max_consecutive_failures" {
            return "\(Int(value)) items failed in a row (limit \(Int(limit)))"
        }
        if check == "stall" {
            return
                "no item has succeeded for \(Self.duration(value)) (stall threshold: no_success_for \(Self.duration(limit))); \(completed) items have ended"
        }
        if check == "reference" {
            let comparison = passed ? "meets" : "is below"
            return
                "agreement with the reference answers \(Self.percent(value)) over \(completed) items \(comparison) reference.min_agreement of \(Self.percent(limit))"
        }
        if check.hasPrefix("fields.") {
            let comparison = passed ? "meets" : "is below"
            return
                "field \(check.dropFirst("fields.".count)) was filled in \(Self.percent(value)) of the last \(completed) successful items, which \(comparison) thresholds.fields.min_filled of \(Self.percent(limit))"
        }
        let scope = check == "window" ? "over the last \(completed) items" : "after \(completed) items"
        let comparison = passed ? "meets" : "is below"
        return
            "success rate \(Self.percent(value)) \(scope) \(comparison) the \(check) threshold of \(Self.percent(limit))"
    }

    /// `45s`, `3m 20s`, `2h 05m`.
    public static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 {
            return seconds < 10 && seconds != seconds.rounded() ? String(format: "%.1fs", seconds) : "\(total)s"
        }
        if total < 3600 { return total % 60 == 0 ? "\(total / 60)m" : "\(total / 60)m \(total % 60)s" }
        return String(format: "%dh %02dm", total / 3600, total / 60 % 60)
    }

    /// `80%`, or `83.3%` when not whole.
    public static func percent(_ rate: Double) -> String { rate.percentText }
}
