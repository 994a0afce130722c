import JSONSchema
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser().parse(#"{"a": [1, -2.5e3, true, false, null, "x\u00e9\n\ud83d\ude00"], "b": {}}"#)
        #expect(value["a"] == [1, -2500, true, false, nil, "xé\n😀"])
        #expect(value["b"] == .object(JSONObject()))
    }

    @Test func keepsKeyOrderButIgnoresItForEquality() throws {
        let first = try JSONParser().parse(#"{"z": 1, "a": 2}"#)
        let second = try JSONParser().parse(#"{"a": 2, "z": 1}"#)
        #expect(first.objectValue?.keys == ["z", "a"])
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "1:9", "expected a property name"),
        ("[1, 2", "1:6", "unterminated array"),
        ("{\"a\" 1}", "1:6", "expected ':'"),
        ("01", "1:1", "leading zeros"),
        ("\"tab\there\"", "1:5", "control character"),
        ("[1]\n x", "2:2", "unexpected text"),
        ("{\"a\": 1, \"a\": 2}", "1:10", "duplicate property name \"a\""),
        ("\"\\ud800\"", "1:2", "lone UTF-16 surrogate"),
        ("nul", "1:1", "invalid literal"),
        ("", "1:1", "found end of input"),
    ])
    func reportsWhereAndWhy(text: String, position: String, message: String) {
        #expect {
            try JSONParser().parse(text)
        } throws: { error in
            let error = error as! JSONParseError
            return "\(error.line):\(error.column)" == position && error.message.contains(message)
        }
    }

    @Test func boundsNestingDepth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect {
            try JSONParser().parse(deep)
        } throws: { error in
            (error as! JSONParseError).message.contains("nesting deeper than 512 levels")
        }
    }

    @Test func writesJSONBack() throws {
        let text = #"{"b":[1,2.5,"q\"\n"],"a":null,"c":{"d":true}}"#
        let value = try JSONParser().parse(text)
        #expect(value.jsonText() == text)
        #expect(value.jsonText(sortedKeys: true) == #"{"a":null,"b":[1,2.5,"q\"\n"],"c":{"d":true}}"#)
    }

    @Test func stringsCompareByCodePoints() {
        // Canonically equivalent in Swift, but different JSON strings.
        #expect(JSONValue.string("\u{E9}") != JSONValue.string("e\u{301}"))
    }
}
