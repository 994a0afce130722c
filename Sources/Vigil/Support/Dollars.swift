import Foundation
public import JSONSchema

/// An amount of US dollars, held as a whole number of picodollars (10⁻¹² USD): sums of
/// thousands of per-item costs stay exact, so a budget of exactly the cost of N items lets
/// exactly N items through (floating-point sums drift by a last digit, and a budget check
/// that compares them would refuse the Nth item or admit the N+1st).
///
/// A price of P USD per million tokens is P×10⁶ picodollars per token: exact for any price
/// written with up to six decimals. The largest amount is about 9.2 million USD.
public struct Dollars: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount in picodollars.
    public var picodollars: Int64

    /// Zero dollars.
    public static let zero = Dollars(picodollars: 0)

    /// An amount in picodollars.
    public init(picodollars: Int64) {
        self.picodollars = picodollars
    }

    /// An amount written in dollars (a job's `max_cost`, an endpoint's `usage.cost`),
    /// rounded to the picodollar; nil when it is not a finite amount Vigil can hold.
    public init?(usd: Double) {
        let scaled = (usd * 1e12).rounded()
        guard scaled.isFinite, abs(scaled) < 9.2e18 else { return nil }
        picodollars = Int64(scaled)
    }

    /// The amount in dollars (for arithmetic that needs no exactness: projections, ratios).
    public var usd: Double { Double(picodollars) / 1e12 }

    /// The amount as an exact decimal number of dollars, trailing zeros dropped:
    /// `0.0014`, `25`, `3.41` (what JSON files hold).
    public var decimalText: String {
        let sign = picodollars < 0 ? "-" : ""
        let magnitude = picodollars.magnitude
        let whole = magnitude / 1_000_000_000_000
        var fraction = String(magnitude % 1_000_000_000_000)
        fraction = String(repeating: "0", count: 12 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return sign + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// The amount as a JSON number, exact to the picodollar (what the run folder's files hold).
    public var json: JSONValue {
        .number(JSONNumber(parsing: Array(decimalText.utf8)) ?? JSONNumber(usd))
    }

    /// An amount read back from a JSON number of dollars (nil: absent, or not a number).
    public init?(json: JSONValue?) {
        guard let usd = json?.numberValue?.doubleValue else { return nil }
        self.init(usd: usd)
    }

    /// For people: `$3.41`, `$25.00`; below a dollar up to four decimals (`$0.45`,
    /// `$0.0021`), below a hundredth of a cent up to six (`$0.000042`).
    public var description: String {
        let value = usd
        let digits = abs(value) >= 1 || value == 0 ? 2 : abs(value) >= 0.0001 ? 4 : 6
        var text = String(format: "%.\(digits)f", abs(value))
        while text.hasSuffix("0"), let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 3 {
            text.removeLast()
        }
        return (value < 0 ? "-$" : "$") + text
    }

    public static func < (lhs: Dollars, rhs: Dollars) -> Bool { lhs.picodollars < rhs.picodollars }
    public static func + (lhs: Dollars, rhs: Dollars) -> Dollars {
        Dollars(picodollars: lhs.picodollars &+ rhs.picodollars)
    }
    public static func - (lhs: Dollars, rhs: Dollars) -> Dollars {
        Dollars(picodollars: lhs.picodollars &- rhs.picodollars)
    }
    public static func += (lhs: inout Dollars, rhs: Dollars) { lhs = lhs + rhs }
    public static func -= (lhs: inout Dollars, rhs: Dollars) { lhs = lhs - rhs }

    /// `count` of a per-unit amount (tokens at a per-token price), saturating instead of
    /// overflowing.
    public static func * (amount: Dollars, count: Int) -> Dollars {
        let (product, overflow) = amount.picodollars.multipliedReportingOverflow(by: Int64(count))
        return Dollars(picodollars: overflow ? .max : product)
    }
}
