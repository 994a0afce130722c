import Foundation
public import JSONSchema

/// One item of a canary, as the projection reads it.
public struct CostSample: Sendable, Equatable {
    /// What it cost (all attempts).
    public var cost: Dollars
    /// Its tokens, input and output.
    public var tokens: Int
    /// How long it took, ms (all attempts).
    public var latency: Double

    /// One canary item's cost, tokens and latency (milliseconds), as the projection reads it.
    public init(cost: Dollars, tokens: Int, latency: Double) {
        self.cost = cost
        self.tokens = tokens
        self.latency = latency
    }
}

/// What a whole input set will cost and take, projected from a canary's items: each
/// range is a 95% prediction interval for the sum over `items` items, treating the canary's
/// items as a sample of them (mean ± t·s·√(N + N²/n): the spread of N future items plus the
/// uncertainty of the mean learned from n). Duration: the items at the job's concurrency,
/// each taking the canary's mean latency (its own interval), and never faster than the rate
/// limit allows.
public struct CostProjection: Sendable, Equatable {
    /// A low and a high estimate.
    public struct Range: Sendable, Equatable {
        /// The low end of the 95% prediction interval (about 2.5% of whole runs land below it).
        public var low: Double
        /// The whole run's expected value: the canary's mean per item times the items.
        public var expected: Double
        /// The high end of the 95% interval (about 2.5% land above it): what to size a budget by.
        public var high: Double
    }

    /// Items the projection is for (the whole input set).
    public var items: Int
    /// Canary items it was made from.
    public var sampled: Int
    /// USD (nil: nothing priced or reported).
    public var cost: Range?
    /// Tokens, input and output.
    public var tokens: Range
    /// Wall-clock seconds for the whole run at the canary's pace and the job's concurrency.
    public var duration: Range
    /// The budget's caps, if any.
    public var budget: BudgetSpec?

    /// Projects `items` items from `samples` at `concurrency`, at most `requestsPerSecond`.
    /// Nil with fewer than two samples (no spread to go by).
    public init?(samples: [CostSample], items: Int, concurrency: Int, requestsPerSecond: Double?, budget: BudgetSpec?) {
        guard samples.count >= 2 else { return nil }
        self.items = items
        sampled = samples.count
        let priced = samples.contains { $0.cost > .zero }
        cost = priced ? Self.sum(samples.map { $0.cost.usd }, over: items) : nil
        tokens = Self.sum(samples.map { Double($0.tokens) }, over: items)
        let latency = Self.mean(samples.map { $0.latency / 1000 })
        func seconds(_ perItem: Double) -> Double {
            var rate = Double(max(1, concurrency)) / max(perItem, 1e-6)
            if let requestsPerSecond { rate = min(rate, requestsPerSecond) }
            return Double(items) / rate
        }
        duration = Range(
            low: seconds(max(0, latency.mean - latency.margin)), expected: seconds(latency.mean),
            high: seconds(latency.mean + latency.margin))
        self.budget = budget
    }

    /// A t-based 95% interval for the mean of `values`.
    private static func mean(_ values: [Double]) -> (mean: Double, margin: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, studentT975(values.count - 1) * (variance / n).squareRoot())
    }

    /// The 95% prediction interval for the sum of `items` values like `values`.
    private static func sum(_ values: [Double], over items: Int) -> Range {
        let n = Double(values.count)
        let count = Double(items)
        let mean = values.reduce(0, +) / n
        let deviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        let margin = studentT975(values.count - 1) * deviation * (count + count * count / n).squareRoot()
        return Range(
            low: max(values.min()! * count, count * mean - margin), expected: count * mean, high: count * mean + margin)
    }

    /// The 97.5th percentile of Student's t with `df` degrees of freedom (two-sided 95%):
    /// exact for small df, the Cornish–Fisher expansion beyond.
    public static func studentT975(_ df: Int) -> Double {
        let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]
        if df >= 1 && df <= table.count { return table[df - 1] }
        let z = 1.959964
        let d = Double(max(df, 1))
        return z + (z * z * z + z) / (4 * d) + (5 * pow(z, 5) + 16 * pow(z, 3) + 3 * z) / (96 * d * d)
    }

    /// Whether the budget covers the projected run.
    public enum Coverage: Sendable, Equatable {
        /// The job has no budget: nothing to compare the projection with.
        case noBudget
        /// Even the high end fits.
        case covered
        /// The expected cost fits, the high end does not.
        case atRisk
        /// Even the expected cost does not fit.
        case short
    }

    /// How the budget compares with the projection.
    public var coverage: Coverage {
        let (maxCost, maxTokens) = (budget?.maxCost, budget?.maxTokens)
        var verdicts: [Coverage] = []
        if let maxCost, let cost { verdicts.append(Self.compare(maxCost.usd, cost)) }
        if let maxTokens { verdicts.append(Self.compare(Double(maxTokens), tokens)) }
        if verdicts.contains(.short) { return .short }
        if verdicts.contains(.atRisk) { return .atRisk }
        return verdicts.isEmpty ? .noBudget : .covered
    }

    private static func compare(_ cap: Double, _ range: Range) -> Coverage {
        cap >= range.high ? .covered : cap >= range.expected ? .atRisk : .short
    }

    /// What `vigil run --canary` prints: the ranges, then what the budget says.
    public var lines: [String] {
        var lines = ["projection for all \(items) items (from \(sampled) canary items; 95% range):"]
        if let cost {
            lines.append(
                "  cost      \(Self.dollars(cost.low)) to \(Self.dollars(cost.high)) (expected \(Self.dollars(cost.expected)))"
            )
        } else {
            lines.append("  cost      unknown: the job has no model.pricing and the endpoint reported no cost")
        }
        lines.append(
            "  tokens    \(Self.count(tokens.low)) to \(Self.count(tokens.high)) (expected \(Self.count(tokens.expected)))"
        )
        lines.append(
            "  duration  \(Self.clock(duration.low)) to \(Self.clock(duration.high)) (expected \(Self.clock(duration.expected)))"
        )
        switch coverage {
        case .noBudget:
            lines.append("  budget    none set (budget.max_cost keeps a run under a cap)")
        case .covered:
            lines.append("  budget    \(capText) covers it, even at the high end")
        case .atRisk:
            lines.append(
                "  budget    \(capText) covers the expected run but not the high end: the run may stop as aborted before its last items; \(raiseText)"
            )
        case .short:
            lines.append(
                "  budget    \(capText) does not cover it: the run would stop as aborted after about \(reachableItems) of \(items) items; \(raiseText)"
            )
        }
        return lines
    }

    private var capText: String { budget?.description ?? "" }

    private var raiseText: String {
        var parts: [String] = []
        let (maxCost, maxTokens) = (budget?.maxCost, budget?.maxTokens)
        if let cost, maxCost.map({ $0.usd < cost.high }) == true {
            parts.append("budget.max_cost \(Self.dollars(cost.high))")
        }
        if let maxTokens, Double(maxTokens) < tokens.high {
            parts.append("budget.max_tokens \(Self.count(tokens.high))")
        }
        return "to cover the high end, set " + parts.joined(separator: " and ")
    }

    /// Items the budget pays for at the expected per-item cost.
    public var reachableItems: Int {
        var reachable = items
        let (maxCost, maxTokens) = (budget?.maxCost, budget?.maxTokens)
        // Whole items, with room for the last bit of floating-point error (6 / 0.012 is 499.99...).
        func whole(_ value: Double) -> Int { Int((value + 1e-9).rounded(.down)) }
        if let maxCost, let cost, cost.expected > 0 {
            reachable = min(reachable, whole(maxCost.usd / (cost.expected / Double(items))))
        }
        if let maxTokens, tokens.expected > 0 {
            reachable = min(reachable, whole(Double(maxTokens) / (tokens.expected / Double(items))))
        }
        return reachable
    }

    static func dollars(_ usd: Double) -> String { (Dollars(usd: usd) ?? .zero).description }

    static func count(_ value: Double) -> String {
        let whole = Int(value.rounded())
        return whole >= 1_000_000
            ? String(format: "%.1fM", value / 1e6)
            : whole >= 10_000 ? String(format: "%.0fk", value / 1e3) : String(whole)
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(String(format: "%02d", total % 60))s" }
        return "\(total / 3600)h \(String(format: "%02d", total / 60 % 60))m"
    }
}

extension CostProjection {
    /// The manifest's form: `{"items", "sampled", "cost_usd": {low, expected, high}?,
    /// "tokens": {...}, "duration_seconds": {...}, "budget_covers": "yes" | "at risk" | "no" | null}`.
    public var json: JSONValue {
        func range(_ range: Range, digits: Double) -> JSONValue {
            func rounded(_ value: Double) -> JSONValue { .number(JSONNumber((value * digits).rounded() / digits)) }
            return ["low": rounded(range.low), "expected": rounded(range.expected), "high": rounded(range.high)]
        }
        let covers: JSONValue =
            switch coverage {
            case .noBudget: .null
            case .covered: "yes"
            case .atRisk: "at risk"
            case .short: "no"
            }
        return [
            "items": .number(JSONNumber(items)), "sampled": .number(JSONNumber(sampled)), "confidence": 0.95,
            "cost_usd": cost.map { range($0, digits: 1e6) } ?? .null, "tokens": range(tokens, digits: 1),
            "duration_seconds": range(duration, digits: 10),
            "budget_covers": covers,
        ]
    }
}
