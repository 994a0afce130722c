import JSONSchema
import Testing

/// The messages people read: each names the value, the rule and where both are.
@Suite struct ValidationErrorTests {
    func errors(_ schema: String, _ instance: String) throws -> [ValidationError] {
        try Schema(JSONParser().parse(schema)).validate(JSONParser().parse(instance))
    }

    @Test func typeMismatchNamesBothTypesAndTheValue() throws {
        let found = try errors(#"{"properties": {"count": {"type": "integer"}}}"#, #"{"count": "five"}"#)
        #expect(
            found == [
                ValidationError(
                    instanceLocation: "/count", keywordLocation: "#/properties/count/type", keyword: "type",
                    message: #"expected integer, got string "five""#)
            ])
    }

    @Test func missingRequiredPropertyIsNamed() throws {
        let found = try errors(#"{"required": ["file", "sha256"]}"#, #"{"file": "p.md"}"#)
        #expect(found.map(\.message) == [#"missing required property "sha256""#])
        #expect(found.first?.instanceLocation == "")
    }

    @Test func extraPropertyIsNamedAtItsOwnLocation() throws {
        let found = try errors(#"{"properties": {"prompt": {}}, "additionalProperties": false}"#, #"{"promt": 1}"#)
        #expect(found.map(\.message) == [#"property "promt" is not allowed"#])
        #expect(found.first?.instanceLocation == "/promt")
        #expect(found.first?.keywordLocation == "#/additionalProperties")
    }

    @Test func everyProblemIsCollected() throws {
        let schema =
            #"{"type": "object", "required": ["a", "b"], "properties": {"c": {"minimum": 3}, "d": {"pattern": "^x"}}}"#
        let found = try errors(schema, #"{"c": 1, "d": "y"}"#)
        #expect(found.count == 4)
        #expect(Set(found.map(\.instanceLocation)) == ["", "/c", "/d"])
    }

    @Test func anyOfExplainsTheClosestAlternative() throws {
        let schema = #"{"anyOf": [{"type": "string"}, {"type": "object", "required": ["id"]}]}"#
        let found = try errors(schema, #"{"name": "x"}"#)
        #expect(found.first?.keyword == "anyOf")
        #expect(found.contains { $0.message == #"missing required property "id""# })
    }

    @Test func nestedInstanceLocationsAreJSONPointers() throws {
        let found = try errors(#"{"items": {"properties": {"a/b": {"type": "null"}}}}"#, #"[null, {"a/b": 1}]"#)
        #expect(found.first?.instanceLocation == "/1/a~1b")
    }

    @Test func formatIsAnAnnotationUnlessAsserted() throws {
        let schema = try JSONParser().parse(#"{"format": "date"}"#)
        #expect(try Schema(schema).isValid("2024-02-30"))
        let asserted = try Schema(schema, options: SchemaOptions(assertsFormat: true))
        #expect(asserted.validate("2024-02-30").map(\.message) == [#""2024-02-30" is not a valid date"#])
    }
}
