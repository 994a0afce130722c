import Foundation
import JSONSchema
import Testing
import Vigil

/// The job schema, the jobs shipped in `jobs/`, and the messages people read.
@Suite struct JobValidationTests {
    static let fixtures = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Fixtures")

    func diagnostics(_ fixture: String, environment: [String: String] = JobFixtureTests.environment) -> [Diagnostic] {
        JobLoader(purpose: .validate, environment: environment).load(Self.fixtures.appendingPathComponent(fixture).path)
            .diagnostics
    }

    @Test func theJobIsDecodedOnceWithWhereEachFieldWasWritten() throws {
        let path = TestEnvironment.repository.appendingPathComponent("jobs/demo.yaml").path
        let job = try #require(
            JobLoader(purpose: .validate, environment: [:]).load(path, displayName: "jobs/demo.yaml").job)
        #expect(job.prompt.file == "prompts/label_to_dwc.md")
        #expect(job.locations[.promptFile] == SourceLocation(file: "jobs/demo.yaml", line: 16, column: 9))
        #expect(job.locations[.program] == SourceLocation(file: "jobs/demo.yaml", line: 12, column: 13))
        #expect(job.locations.inputs.map(\.index) == [0])
        #expect(job.locations.inputs.first?.location == SourceLocation(file: "jobs/demo.yaml", line: 9, column: 11))
        #expect(job.locations[.retriesInitialDelay] != nil && job.execution.retries.initialDelay.text == "1s")
        // Not written: no location, and the typed field holds the default.
        #expect(job.locations[.rateLimitPer] == nil && job.execution.rateLimit == nil)
        #expect(
            job.locations[.breakerCoolDown] == nil
                && job.execution.breaker.coolDown == JobSpec.Defaults.breaker.coolDown)
    }

    @Test func embeddedSchemaIsTheFileInSchemas() throws {
        let file = try String(
            contentsOf: TestEnvironment.repository.appendingPathComponent("schemas/job.v1.schema.json"), encoding: .utf8
        )
        #expect(JobSchema.text == file.trimmingCharacters(in: .newlines), "run python3 Scripts/generate-job-schema.py")
    }

    @Test func everyPropertyOfTheJobSchemaIsDescribed() throws {
        let schema = try JSONParser().parse(JobSchema.text)
        var undocumented: [String] = []
        func visit(_ value: JSONValue, _ path: String) {
            // Conditions (if/then/not) restate properties to constrain them; they document nothing.
            let isCondition = ["/if", "/then", "/not", "/oneOf/"].contains { path.contains($0) }
            if case .object(let object) = value {
                if !isCondition, case .object(let properties)? = object["properties"] {
                    for (name, property) in properties where property["description"] == nil && property["$ref"] == nil {
                        undocumented.append("\(path)/properties/\(name)")
                    }
                }
                if object["type"] == "object" && object["additionalProperties"] == nil && object["properties"] != nil {
                    undocumented.append("\(path): additionalProperties is not set")
                }
                for (key, child) in object { visit(child, "\(path)/\(key)") }
            } else if case .array(let elements) = value {
                for (index, element) in elements.enumerated() { visit(element, "\(path)/\(index)") }
            }
        }
        visit(schema, "#")
        #expect(undocumented.isEmpty, "\(undocumented)")
    }

    @Test(
        "every job in jobs/ validates, except the deliberately wrong ones",
        arguments: [
            "jobs/demo.yaml", "jobs/herbarium.yaml", "jobs/examples/broken-extractor.yaml", "jobs/examples/priced.yaml",
            "jobs/examples/demo-coordinated.yaml",
        ])
    func shippedJobsValidate(job: String) {
        let validation = JobLoader(purpose: .validate, environment: [:]).load(
            TestEnvironment.repository.appendingPathComponent(job).path)
        #expect(validation.isValid, "\(validation.errors)")
    }

    @Test func shippedJobsCarryTheSchemaLine() throws {
        for job in [
            "jobs/demo.yaml", "jobs/herbarium.yaml", "jobs/examples/wrong-prompt.yaml",
            "jobs/examples/broken-extractor.yaml", "jobs/examples/priced.yaml", "jobs/examples/demo-coordinated.yaml",
        ] {
            let text = try String(contentsOf: TestEnvironment.repository.appendingPathComponent(job), encoding: .utf8)
            #expect(text.hasPrefix("# yaml-language-server: $schema="), "\(job)")
        }
    }

    @Test func theIncidentIsRefusedNamingThePinnedFile() throws {
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil, ["validate", "jobs/examples/wrong-prompt.yaml"],
            currentDirectory: TestEnvironment.repository)
        #expect(outcome.status == 2)
        #expect(
            outcome.standardOutput.contains(
                "jobs/examples/wrong-prompt.yaml:20:9: error: prompt file ../prompts/image_to_dwc_few_shot.md is not the pinned prompt"
            ))
        #expect(
            outcome.standardOutput.contains(
                "hint: did you mean ../prompts/image_to_dwc_v2_aafc.md? its sha256 matches the pin"))
        #expect(outcome.standardError.contains("invalid (1 error"))
    }

    @Test func unknownKeysGetTheNearestAllowedKey() {
        #expect(
            diagnostics("invalid/unknown-top-level-key.yaml").first { $0.code == .unknownKey }?.hint
                == "did you mean \"prompt\"?")
        #expect(diagnostics("invalid/typo-concurrency.yaml").first?.hint == "did you mean \"concurrency\"?")
        #expect(diagnostics("invalid/provider-typo.yaml").first?.hint == "did you mean \"command\"?")
        #expect(diagnostics("invalid/consumer-typo.yaml").first?.hint == "did you mean \"progress\"?")
    }

    @Test func aMismatchSaysBothHashes() throws {
        let found = try #require(diagnostics("invalid/prompt-edited.yaml").first)
        #expect(found.message.contains("d4fc156bf85b8a583ad72bca4817ebdb0a5ec85dd6d50ed0686d80e66f32cd68"))
        #expect(found.message.contains("118815a618ec32e988c461ae996a0775a47a26b6f85bb755b4a36de2225d3ca7"))
        #expect(found.hint?.contains("did you mean ../files/other-prompt.md") == true)
    }

    @Test func anUnsetKeyVariableIsAWarningToValidateAndAnErrorToRun() throws {
        let path = Self.fixtures.appendingPathComponent("valid/openai-key-unset.yaml").path
        #expect(JobLoader(purpose: .validate, environment: [:]).load(path).isValid)
        let run = JobLoader(purpose: .run, environment: [:]).load(path)
        #expect(!run.isValid)
        #expect(run.errors.map(\.code) == [.environmentUnset])
    }

    @Test func anUnsetCoordinatorVariableIsAWarningToValidateAndAnErrorToRun() throws {
        let path = TestEnvironment.repository.appendingPathComponent("jobs/examples/demo-coordinated.yaml").path
        let validate = JobLoader(purpose: .validate, environment: [:]).load(path)
        #expect(validate.isValid)
        #expect(validate.diagnostics.contains { $0.message.contains("VIGIL_COORDINATOR (coordinator.url_env)") })
        let run = JobLoader(purpose: .run, environment: [:]).load(path)
        #expect(run.errors.map(\.code) == [.environmentUnset])
        #expect(run.errors.first?.location.line == 30, "at the coordinator's line")
    }

    @Test func aSecretIsNeverPrinted() throws {
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil,
            ["validate", Self.fixtures.appendingPathComponent("invalid/api-key-written-in-job.yaml").path])
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput.contains("[V018]"))
        #expect(!outcome.standardOutput.contains("sk-or-v1-0123456789abcdef"))
        #expect(!outcome.standardError.contains("sk-or-v1-0123456789abcdef"))
    }

    @Test func theJobSpecCarriesDefaults() throws {
        let validation = JobLoader(purpose: .validate, environment: JobFixtureTests.environment)
            .load(Self.fixtures.appendingPathComponent("valid/minimal.yaml").path)
        let job = try #require(validation.job)
        #expect(job.execution.concurrency == 1)
        #expect(job.execution.retries.maximumAttempts == 3)
        #expect(job.checkpointEvery == 25)
        #expect(job.thresholds.early?.count == 1)
        #expect(job.thresholds.early?.minimumSuccessRate == 0.5)
        #expect(job.thresholds.early?.action == .abort)
        #expect(validation.itemCount == 2)
        #expect(validation.firstItems.map(\.id) == ["../files/data/a.txt", "../files/data/b.txt"])
    }
}
