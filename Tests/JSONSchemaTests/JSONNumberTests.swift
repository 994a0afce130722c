import JSONSchema
import Testing

@Suite struct JSONNumberTests {
    func number(_ text: String) -> JSONNumber {
        JSONNumber(parsing: Array(text.utf8))!
    }

    @Test(arguments: [("1", "1.0"), ("1", "1e0"), ("100", "1e2"), ("0.5", "5e-1"), ("-0", "0"), ("12.50", "12.5")])
    func equalValuesAreEqual(a: String, b: String) {
        #expect(number(a) == number(b))
        #expect(number(a).hashValue == number(b).hashValue)
    }

    @Test(arguments: [
        ("0.3", "0.1", true), ("0.0075", "0.0001", true), ("10", "0.1", true), ("4.5", "2", false),
        ("1e308", "0.123456789", false), ("12391239123", "1e-8", true), ("-9007199254740993", "3", true),
        ("1e400", "1e399", true), ("0.00751", "0.0001", false),
    ])
    func multipleOfIsExact(value: String, divisor: String, expected: Bool) {
        #expect(number(value).isMultiple(of: number(divisor)) == expected)
    }

    @Test(arguments: [
        ("1", "2"), ("-3", "-2"), ("0.1", "0.10000000000000001"),
        (
            "98249283749234923498293171823948729348710298301928331",
            "98249283749234923498293171823948729348710298301928332"
        ),
        ("-1e400", "1e-400"), ("1e400", "1e401"),
    ])
    func ordersExactly(smaller: String, larger: String) {
        #expect(number(smaller) < number(larger))
        #expect(!(number(larger) < number(smaller)))
    }

    @Test(arguments: ["1.", ".5", "-", "1e", "+1", "0x10", "1e+", "--1"])
    func rejectsNonJSONNumbers(text: String) {
        #expect(JSONNumber(parsing: Array(text.utf8)) == nil)
    }

    @Test(arguments: [
        ("1.0", "1"), ("2.50", "2.5"), ("1e2", "100"), ("-0.001", "-0.001"), ("1e400", "1e+400"),
        ("1.5e-10", "1.5e-10"),
    ])
    func printsCanonically(text: String, printed: String) {
        #expect(number(text).description == printed)
    }

    /// Exponents past ±10^12 are held there, and what is written reads back as itself (found
    /// by the fuzzer: 2.3e+(80 digits) was written with an exponent it did not read back as).
    @Test(arguments: [
        "2.2999999999999994E+2122299999999999999999999999999999999999999999999999999999999999999999999999922",
        "1e999999999999999", "-7.5e-999999999999999",
    ])
    func aHugeExponentIsHeldAndRoundTrips(text: String) {
        let value = number(text)
        let printed = value.description
        #expect(number(printed) == value, "\(text) printed as \(printed)")
        #expect(number(printed).description == printed)
        let exponent = Int(printed.split(separator: "e").last ?? "") ?? 0
        #expect(abs(exponent) >= 999_999_999_000 && abs(exponent) <= 1_000_000_000_100, "\(printed)")
    }

    @Test func integerTypeFollowsValue() {
        #expect(number("1.0").isInteger)
        #expect(!number("1.5").isInteger)
        #expect(number("1e400").isInteger)
    }
}
