import Foundation
import JSONSchema
import Testing

/// `vigil validate`, `plan` and `schema` as a user runs them.
@Suite struct JobCommandTests {
    func vigil(_ arguments: String...) throws -> TestEnvironment.Outcome {
        try TestEnvironment.run(TestEnvironment.vigil, arguments, currentDirectory: TestEnvironment.repository)
    }

    @Test func validateAcceptsTheShippedJobs() throws {
        let outcome = try vigil("validate", "jobs/demo.yaml", "jobs/herbarium.yaml")
        #expect(outcome.status == 0)
        #expect(outcome.standardError.contains("jobs/demo.yaml: valid"))
    }

    @Test func githubFormatAnnotates() throws {
        let outcome = try vigil("validate", "--format", "github", "jobs/examples/wrong-prompt.yaml")
        #expect(outcome.status == 2)
        #expect(
            outcome.standardOutput.contains("::error file=jobs/examples/wrong-prompt.yaml,line=20,col=9,title=V011::"))
    }

    @Test func jsonFormatIsParseable() throws {
        let outcome = try vigil("validate", "--format", "json", "jobs/examples/wrong-prompt.yaml")
        let diagnostics = try JSONParser().parse(outcome.standardOutput).arrayValue ?? []
        #expect(diagnostics.contains { $0["code"] == "V011" && $0["line"] == 20 })
    }

    @Test func planListsItemsAndChecks() throws {
        let outcome = try vigil("plan", "jobs/demo.yaml", "--format", "json")
        #expect(outcome.status == 0)
        let plan = try JSONParser().parse(outcome.standardOutput)
        #expect(plan["items"] == 24)
        #expect(plan["first_items"]?.arrayValue?.first == "data/labels/label-001.txt")
        let text = try vigil("plan", "jobs/demo.yaml")
        #expect(text.standardOutput.contains("early: after 5 items, at least 50% success, else abort"))
    }

    @Test func planRefusesAnInvalidJob() throws {
        #expect(try vigil("plan", "jobs/examples/wrong-prompt.yaml").status == 2)
    }

    @Test func schemaPrintsTheEmbeddedJobSchema() throws {
        let outcome = try vigil("schema")
        let file = try String(
            contentsOf: TestEnvironment.repository.appendingPathComponent("schemas/job.v1.schema.json"), encoding: .utf8
        )
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == file)
    }

    @Test func aMissingJobFileIsReported() throws {
        let outcome = try vigil("validate", "jobs/nope.yaml")
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput.contains("jobs/nope.yaml:1:1: error: cannot read the file"))
    }
}
