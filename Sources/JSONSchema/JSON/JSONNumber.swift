/// An exact JSON number.
///
/// Integers that fit in 64 bits are stored as such (the common, fast case); every other
/// number is kept as its decimal digits and a power-of-ten exponent, exactly as written.
/// So `1` equals `1.0`, `0.3` is a multiple of `0.1`, and `1e400` stays `1e400`.
public struct JSONNumber: Sendable, Hashable {
    enum Storage: Sendable, Hashable {
        case integer(Int64)
        /// `±digits × 10^exponent`, digits without leading or trailing zeros (never zero).
        case decimal(negative: Bool, digits: [UInt8], exponent: Int)
    }

    let storage: Storage

    public init(_ value: Int) {
        storage = .integer(Int64(value))
    }

    public init(_ value: Int64) {
        storage = .integer(value)
    }

    /// A finite double, by its shortest round-tripping decimal form.
    public init(_ value: Double) {
        precondition(value.isFinite, "JSON has no representation for \(value)")
        if let exact = Int64(exactly: value) {
            storage = .integer(exact)
        } else {
            self = JSONNumber(parsing: Array("\(value)".utf8))!
        }
    }

    /// Builds a number from sign, significand digits (0...9 each) and exponent, normalising it.
    init(negative: Bool, digits: some Collection<UInt8>, exponent: Int) {
        var significant = Array(digits.drop { $0 == 0 })
        var exponent = exponent
        while let last = significant.last, last == 0 {
            significant.removeLast()
            exponent += 1
        }
        if significant.isEmpty {
            storage = .integer(0)
            return
        }
        if exponent >= 0, significant.count + exponent <= 19 {
            var magnitude: UInt64 = 0
            var fits = true
            for digit in significant + repeatElement(0, count: exponent) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
                if o1 || o2 {
                    fits = false
                    break
                }
                magnitude = sum
            }
            if fits {
                if negative, magnitude <= UInt64(Int64.max) + 1 {
                    storage = .integer(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude))
                    return
                }
                if !negative, magnitude <= UInt64(Int64.max) {
                    storage = .integer(Int64(magnitude))
                    return
                }
            }
        }
        // Held at ±10^12: far past any use (and past Double's range by 10^11 orders), and the
        // same after being written and read back — a bound on the written exponent alone was
        // not (the fuzzer found 2.3e+10^80 written as ...e+1000000035, read back as less).
        exponent = max(-Self.exponentBound, min(exponent, Self.exponentBound))
        storage = .decimal(negative: negative, digits: significant, exponent: exponent)
    }

    /// The largest power of ten held (see above).
    static let exponentBound = 1_000_000_000_000

    /// Parses JSON number syntax (`-12.5e3`); nil when the bytes are not a JSON number.
    public init?(parsing text: some Collection<UInt8>) {
        var index = text.startIndex
        func peek() -> UInt8? { index < text.endIndex ? text[index] : nil }
        var negative = false
        if peek() == UInt8(ascii: "-") {
            negative = true
            text.formIndex(after: &index)
        }
        var digits: [UInt8] = []
        var exponent = 0
        var sawDigit = false
        while let c = peek(), c >= 48, c <= 57 {
            digits.append(c - 48)
            sawDigit = true
            text.formIndex(after: &index)
        }
        guard sawDigit else { return nil }
        if peek() == UInt8(ascii: ".") {
            text.formIndex(after: &index)
            var sawFraction = false
            while let c = peek(), c >= 48, c <= 57 {
                digits.append(c - 48)
                exponent -= 1
                sawFraction = true
                text.formIndex(after: &index)
            }
            guard sawFraction else { return nil }
        }
        if let c = peek(), c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            text.formIndex(after: &index)
            var exponentNegative = false
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                text.formIndex(after: &index)
            }
            var written = 0
            var sawExponent = false
            while let c = peek(), c >= 48, c <= 57 {
                // Saturated well past the bound the value is held at, without overflow.
                written = min(written * 10 + Int(c - 48), 1_000 * Self.exponentBound)
                sawExponent = true
                text.formIndex(after: &index)
            }
            guard sawExponent else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard index == text.endIndex else { return nil }
        self.init(negative: negative, digits: digits, exponent: exponent)
    }

    /// True when the value is a whole number (`1.0` included, as JSON Schema's "integer" says).
    public var isInteger: Bool {
        switch storage {
        case .integer: true
        case .decimal(_, _, let exponent): exponent >= 0
        }
    }

    public var int64Value: Int64? {
        if case .integer(let value) = storage { return value }
        return nil
    }

    public var doubleValue: Double {
        switch storage {
        case .integer(let value):
            return Double(value)
        case .decimal(let negative, let digits, let exponent):
            let text = (negative ? "-" : "") + String(decoding: digits.map { $0 + 48 }, as: UTF8.self) + "e\(exponent)"
            return Double(text) ?? .nan
        }
    }

    public var isNegative: Bool {
        switch storage {
        case .integer(let value): value < 0
        case .decimal(let negative, _, _): negative
        }
    }

    /// Sign, digits and exponent of any stored form.
    var decimalParts: (negative: Bool, digits: [UInt8], exponent: Int) {
        switch storage {
        case .integer(let value):
            if value == 0 { return (false, [], 0) }
            var digits = Array(String(value.magnitude).utf8).map { $0 - 48 }
            var exponent = 0
            while digits.last == 0 {
                digits.removeLast()
                exponent += 1
            }
            return (value < 0, digits, exponent)
        case .decimal(let negative, let digits, let exponent):
            return (negative, digits, exponent)
        }
    }
}
