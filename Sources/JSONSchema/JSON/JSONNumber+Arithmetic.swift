extension JSONNumber: Comparable {
    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if case .integer(let a) = lhs.storage, case .integer(let b) = rhs.storage { return a < b }
        return compare(lhs, rhs) < 0
    }

    /// Exact three-way comparison on the decimal forms.
    static func compare(_ lhs: JSONNumber, _ rhs: JSONNumber) -> Int {
        let a = lhs.decimalParts
        let b = rhs.decimalParts
        let aZero = a.digits.isEmpty
        let bZero = b.digits.isEmpty
        if aZero && bZero { return 0 }
        let aSign = aZero ? 0 : (a.negative ? -1 : 1)
        let bSign = bZero ? 0 : (b.negative ? -1 : 1)
        if aSign != bSign { return aSign < bSign ? -1 : 1 }
        let magnitude = compareMagnitude(a.digits, a.exponent, b.digits, b.exponent)
        return aSign < 0 ? -magnitude : magnitude
    }

    private static func compareMagnitude(_ a: [UInt8], _ ae: Int, _ b: [UInt8], _ be: Int) -> Int {
        // The position of the leading digit decides first, then the digits in order.
        let aLead = a.count + ae
        let bLead = b.count + be
        if aLead != bLead { return aLead < bLead ? -1 : 1 }
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// Whether `self` divided by `divisor` is a whole number, computed exactly whenever the
    /// divisor's digits fit in 60 bits (any schema a person writes), else in floating point.
    public func isMultiple(of divisor: JSONNumber) -> Bool {
        if case .integer(let x) = storage, case .integer(let m) = divisor.storage, m != 0 {
            return x.remainderReportingOverflow(dividingBy: m).partialValue == 0
        }
        let x = decimalParts
        let m = divisor.decimalParts
        if x.digits.isEmpty { return true }
        if m.digits.isEmpty { return false }
        // x = A·10^p, m = B·10^q. With e = min(p, q): x/m = (A·10^(p−e)) / (B·10^(q−e)).
        let common = min(x.exponent, m.exponent)
        let dividendZeros = x.exponent - common
        let divisorZeros = m.exponent - common
        if let divisorValue = Self.smallInteger(m.digits, zeros: divisorZeros), dividendZeros <= 100_000 {
            var remainder: UInt64 = 0
            for digit in x.digits { remainder = (remainder * 10 + UInt64(digit)) % divisorValue }
            for _ in 0..<dividendZeros { remainder = (remainder * 10) % divisorValue }
            return remainder == 0
        }
        let quotient = doubleValue / divisor.doubleValue
        return quotient.isFinite && quotient.rounded(.towardZero) == quotient
    }

    /// `digits·10^zeros` when it is below 2^60 (so `r·10 + 9` cannot overflow).
    private static func smallInteger(_ digits: [UInt8], zeros: Int) -> UInt64? {
        guard digits.count + zeros <= 18 else { return nil }
        var value: UInt64 = 0
        for digit in digits { value = value * 10 + UInt64(digit) }
        for _ in 0..<zeros { value *= 10 }
        return value
    }
}

extension JSONNumber: CustomStringConvertible {
    /// The number as JSON text: plain notation for everyday magnitudes, exponent otherwise.
    public var description: String {
        switch storage {
        case .integer(let value):
            return String(value)
        case .decimal(let negative, let digits, let exponent):
            let sign = negative ? "-" : ""
            let text = String(decoding: digits.map { $0 + 48 }, as: UTF8.self)
            let lead = digits.count + exponent
            if exponent >= 0, lead <= 21 {
                return sign + text + String(repeating: "0", count: exponent)
            }
            if exponent < 0, lead > 0 {
                let split = text.index(text.startIndex, offsetBy: lead)
                return sign + text[..<split] + "." + text[split...]
            }
            if exponent < 0, lead > -7 {
                return sign + "0." + String(repeating: "0", count: -lead) + text
            }
            let mantissa = digits.count == 1 ? text : String(text.prefix(1)) + "." + text.dropFirst()
            let adjusted = lead - 1
            return sign + mantissa + "e" + (adjusted >= 0 ? "+" : "") + String(adjusted)
        }
    }
}
