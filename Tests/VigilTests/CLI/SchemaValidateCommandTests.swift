import Foundation
import JSONSchema
import Testing

/// `vigil schema validate`, run as the real binary on real files.
@Suite struct SchemaValidateCommandTests {
    let dwcSchema = TestEnvironment.repository.appendingPathComponent("jobs/schemas/dwc-record.schema.json").path

    func write(_ text: String, to name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func validFilesExitZero() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let file = try write(
            #"{"catalogNumber": "A1", "scientificName": "Carex nigra", "basisOfRecord": "PreservedSpecimen"}"# + "\n",
            to: "ok.jsonl", in: folder)
        let yaml = try write(
            "catalogNumber: A2\nscientificName: Carex nigra\nbasisOfRecord: PreservedSpecimen\n", to: "ok.yaml",
            in: folder)
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["schema", "validate", "--schema", dwcSchema, file, yaml])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.standardError.contains("all 2 instances in 2 files are valid"))
    }

    @Test func failuresArePrintedWithLineColumnAndExitOne() throws {
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["schema", "validate", "--schema", dwcSchema, "jobs/samples/dwc-records.jsonl"],
            currentDirectory: TestEnvironment.repository)
        #expect(outcome.status == 1)
        #expect(
            outcome.standardOutput.contains(
                #"jobs/samples/dwc-records.jsonl:3:115: error: property "promt" is not allowed [S001]"#))
        #expect(
            outcome.standardOutput.contains(
                #"jobs/samples/dwc-records.jsonl:3:51: error: "salix" does not match the pattern"#))
        #expect(outcome.standardError.contains("invalid: 1 of 3 instances in 1 file"))
    }

    @Test func yamlInstancesAreLocatedByLine() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let yaml = try write(
            "catalogNumber: A2\nscientificName: Carex nigra\nbasisOfRecord: PreservedSpecimen\ndecimalLatitude: 91\ndecimalLongitude: 2\n",
            to: "bad.yaml", in: folder)
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["schema", "validate", "--schema", dwcSchema, yaml, "--format", "json"])
        #expect(outcome.status == 1)
        let diagnostics = try JSONParser().parse(outcome.standardOutput)
        #expect(diagnostics.arrayValue?.count == 1)
        #expect(diagnostics.arrayValue?.first?["line"] == 4)
        #expect(diagnostics.arrayValue?.first?["column"] == 18)
        #expect(diagnostics.arrayValue?.first?["message"] == "91 is greater than the maximum 90")
    }

    @Test func aLineThatIsNotJSONIsReportedAndCountsAsInvalid() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let file = try write(
            "{\"catalogNumber\": \"A1\", \"scientificName\": \"Carex nigra\", \"basisOfRecord\": \"PreservedSpecimen\"}\n{\"catalogNumber\": \n",
            to: "torn.jsonl", in: folder)
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["schema", "validate", "--schema", dwcSchema, file])
        #expect(outcome.status == 1)
        #expect(
            outcome.standardOutput.contains(
                "torn.jsonl:2:19: error: invalid JSON: expected a JSON value, found end of input [J001]"))
    }

    @Test func aBrokenSchemaExitsTwoPointingIntoTheSchema() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let schema = try write(
            "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": {\"pattern\": \"(unclosed\"}\n  }\n}\n",
            to: "schema.json", in: folder)
        let file = try write("{}\n", to: "x.jsonl", in: folder)
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["schema", "validate", "--schema", schema, file])
        #expect(outcome.status == 2)
        #expect(
            outcome.standardOutput.contains(
                "schema.json:4:22: error: \"(unclosed\" is not a valid regular expression [S002]"))
    }

    @Test func siblingSchemaFilesResolveFromDisk() throws {
        let folder = try TestEnvironment.temporaryFolder()
        _ = try write(#"{"type": "string", "minLength": 2}"#, to: "name.json", in: folder)
        let schema = try write(#"{"properties": {"name": {"$ref": "name.json"}}}"#, to: "record.json", in: folder)
        let file = try write("{\"name\": \"x\"}\n{\"name\": \"xy\"}\n", to: "r.jsonl", in: folder)
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["schema", "validate", "--schema", schema, file])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput.contains("r.jsonl:1:10: error: string is 1 character long; at least 2 required"))
    }

    @Test func missingSchemaOptionIsAUsageError() throws {
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["schema", "validate", "x.json"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("Missing expected argument '--schema <schema>'"))
    }
}
