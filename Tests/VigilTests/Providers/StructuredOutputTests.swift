import Foundation
import JSONSchema
import Testing
import Vigil

/// `model.structured_output`: what goes on the wire as `response_format`, and what
/// `validate` says about a schema a server cannot enforce strictly.
@Suite(.timeLimit(.minutes(3))) struct StructuredOutputTests {
    static let strictSchema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "additionalProperties": false,
          "required": ["n", "note"],
          "properties": {
            "n": { "type": "integer" },
            "note": { "type": ["string", "null"] }
          }
        }
        """

    func job(_ server: LoopbackOpenAIServer, structuredOutput: String, schema: String? = nil) throws -> TemporaryJob {
        let model = OpenAIProviderTests.model(server) + "\n  structured_output: \(structuredOutput)"
        let job = try TemporaryJob(items: 2, extractor: "", model: model, thresholds: "", concurrency: 1)
        if let schema {
            try schema.write(to: job.folder.appendingPathComponent("schema.json"), atomically: true, encoding: .utf8)
        }
        return job
    }

    func validation(_ job: TemporaryJob) -> JobValidation {
        JobLoader(purpose: .validate, environment: BudgetTests.environment).load(job.path)
    }

    @Test func aStrictSchemaGoesOnTheWireStrict() async throws {
        let server = try LoopbackOpenAIServer { _, body in
            .answer("{\"n\": \(OpenAIProviderTests.itemNumber(body)), \"note\": null}")
        }
        defer { server.shutdown() }
        let job = try job(server, structuredOutput: "json_schema", schema: Self.strictSchema)
        #expect(validation(job).diagnostics.filter { $0.code == .structuredOutput }.isEmpty)
        let summary = await (try await job.engine(environment: BudgetTests.environment)).run()
        #expect(summary.counts.succeeded == 2)
        var schema = try JSONParser().parse(Self.strictSchema).objectValue!
        schema["$schema"] = nil
        let expected: JSONValue = [
            "type": "json_schema", "json_schema": ["name": "schema", "schema": .object(schema), "strict": true],
        ]
        for request in server.requests { #expect(request.body?["response_format"] == expected) }
        #expect(server.requests.count == 2)
    }

    @Test func aSchemaOutsideTheSubsetIsSentNonStrictWithAWarningInTheSchemaFile() async throws {
        let server = try LoopbackOpenAIServer { _, body in OpenAIProviderTests.good(body) }
        defer { server.shutdown() }
        // TemporaryJob's schema: {"n": {"type": "integer", "minimum": 1}}, not closed.
        let job = try job(server, structuredOutput: "json_schema")
        let warnings = validation(job).diagnostics.filter { $0.code == .structuredOutput }
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.severity == .warning)
        #expect(
            warning.message
                == "the success schema is outside the strict subset servers enforce: an object must say \"additionalProperties\": false (at the root) and 1 more place; it is sent with strict: false"
        )
        #expect(warning.location.file.hasSuffix("schema.json"))
        _ = await (try await job.engine(environment: BudgetTests.environment)).run()
        #expect(server.requests.first?.body?["response_format"]?["json_schema"]?["strict"] == false)
        #expect(
            server.requests.first?.body?["response_format"]?["json_schema"]?["schema"]?["properties"]?["n"]?["minimum"]
                == 1)
    }

    @Test func jsonObjectAsksForAnyObject() async throws {
        let server = try LoopbackOpenAIServer { _, body in OpenAIProviderTests.good(body) }
        defer { server.shutdown() }
        let job = try job(server, structuredOutput: "json_object")
        _ = await (try await job.engine(environment: BudgetTests.environment)).run()
        #expect(server.requests.first?.body?["response_format"] == ["type": "json_object"])
    }

    @Test func noneSendsNothing() async throws {
        let server = try LoopbackOpenAIServer { _, body in OpenAIProviderTests.good(body) }
        defer { server.shutdown() }
        let job = try job(server, structuredOutput: "none")
        _ = await (try await job.engine(environment: BudgetTests.environment)).run()
        #expect(server.requests.first?.body?["response_format"] == nil)
    }

    @Test func aSchemaIsNeededAndResponseFormatIsNotWrittenTwice() throws {
        let model = """
            model:
              provider: openai
              base_url: http://127.0.0.1:9/v1
              name: m
              api_key_env: VIGIL_TEST_KEY
              parameters: { response_format: { type: json_object } }
              structured_output: json_schema
            """
        let job = try TemporaryJob(items: 1, extractor: "", model: model, thresholds: "")
        let text = try String(contentsOfFile: job.path, encoding: .utf8).replacingOccurrences(
            of: "  schema: schema.json", with: "  required_fields: [n]")
        try text.write(toFile: job.path, atomically: true, encoding: .utf8)
        let messages = validation(job).diagnostics.filter { $0.code == .structuredOutput }.map(\.message)
        #expect(
            messages.contains(
                "model.parameters.response_format and structured_output both say what the endpoint is asked for"))
        #expect(
            messages.contains(
                "structured_output: json_schema sends success.schema as response_format, but the job has no success.schema"
            ))
    }

    @Test func theDemoSchemaSaysWhereItLeavesTheSubset() throws {
        let url = TestEnvironment.repository.appendingPathComponent("jobs/schemas/dwc-record.schema.json")
        let departures = StrictSubset.departures(in: try JSONParser().parse(String(contentsOf: url, encoding: .utf8)))
        #expect(
            departures.contains { $0.pointer == "/properties/catalogNumber/minLength" && $0.keyword == "minLength" })
        #expect(departures.contains { $0.pointer == "/required" })
        #expect(StrictSubset.departures(in: try JSONParser().parse(Self.strictSchema)).isEmpty)
        #expect(StrictSubset.departures(in: ["type": "object"]).map(\.keyword) == ["properties"])
    }
}
