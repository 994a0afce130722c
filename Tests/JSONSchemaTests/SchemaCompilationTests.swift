import JSONSchema
import Testing

@Suite struct SchemaCompilationTests {
    func compile(_ text: String, registry: SchemaRegistry = SchemaRegistry()) throws -> Schema {
        try Schema(JSONParser().parse(text), registry: registry)
    }

    @Test func unresolvableReferenceIsAnErrorNotAFetch() {
        #expect {
            try compile(#"{"$ref": "https://example.com/remote.json"}"#)
        } throws: { error in
            let error = error as! SchemaError
            return error.location == "#/$ref" && error.message.contains("never fetched from the network")
        }
    }

    @Test func registryAnswersRemoteReferences() throws {
        var registry = SchemaRegistry()
        registry.add(["type": "integer"], at: "https://example.com/int.json")
        let schema = try compile(#"{"items": {"$ref": "https://example.com/int.json"}}"#, registry: registry)
        #expect(schema.isValid([1, 2]))
        #expect(!schema.isValid([1, "2"]))
    }

    @Test(arguments: [
        (##"{"minLength": -1}"##, "#/minLength", "non-negative integer"),
        (##"{"pattern": "(unclosed"}"##, "#/pattern", "not a valid regular expression"),
        (##"{"type": "strin"}"##, "#/type", "must be one of"),
        (##"{"properties": {"a": 5}}"##, "#/properties/a", "must be an object or a boolean"),
        (##"{"$ref": "#/$defs/missing"}"##, "#/$ref", "nothing at /$defs/missing"),
        (##"{"$schema": "https://example.com/custom"}"##, "#/$schema", "unknown meta-schema"),
    ])
    func malformedSchemasAreRefusedWithTheirLocation(text: String, location: String, message: String) {
        #expect {
            try compile(text)
        } throws: { error in
            let error = error as! SchemaError
            return error.location == location && error.message.contains(message)
        }
    }

    @Test func deepInstanceGivesAnErrorNotACrash() throws {
        let schema = try compile(
            ##"{"$defs": {"node": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "$ref": "#/$defs/node"}"##)
        var instance: JSONValue = []
        for _ in 0..<10_000 { instance = [instance] }
        #expect(!schema.isValid(instance))
        #expect(schema.validate(instance).contains { $0.message.contains("nested deeper than 200 levels") })
    }

    @Test func referenceCycleThatNeverAdvancesGivesAnError() throws {
        let schema = try compile(
            ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##)
        #expect(!schema.isValid(1))
        #expect(schema.validate(1).first?.message.contains("$ref cycle") == true)
    }

    @Test func earlierDraftsKeepTheirArrayItems() throws {
        let schema = try compile(
            #"{"$schema": "http://json-schema.org/draft-07/schema#", "items": [{"type": "string"}], "additionalItems": false}"#
        )
        #expect(schema.isValid(["a"]))
        #expect(!schema.isValid([1]))
        #expect(!schema.isValid(["a", "b"]))
    }

    @Test func compiledSchemaIsSharedAcrossTasks() async throws {
        let schema = try compile(#"{"type": "object", "required": ["id"]}"#)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<100 {
                group.addTask { schema.isValid(index % 2 == 0 ? ["id": 1] : [:]) }
            }
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(results == 50)
    }
}
