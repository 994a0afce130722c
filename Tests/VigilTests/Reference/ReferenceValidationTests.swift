import Foundation
import Testing
import Vigil

/// `vigil validate` refuses a `reference` or `thresholds.fields` that cannot work, located
/// in the job or in the gold file, before anything runs.
@Suite struct ReferenceValidationTests {
    func validate(_ job: ReferenceJob) -> JobValidation {
        JobLoader(purpose: .validate, environment: [:]).load(job.path)
    }

    func withGold(_ lines: String, reference: String? = nil, extra: String = "") throws -> ReferenceJob {
        let job = try ReferenceJob(items: 20, references: 2, reference: reference, extra: extra)
        try lines.write(to: job.folder.appendingPathComponent("gold.jsonl"), atomically: true, encoding: .utf8)
        return job
    }

    func codes(_ validation: JobValidation) -> [String] { validation.diagnostics.map(\.code.rawValue) }

    @Test func theTestJobIsValid() throws {
        let validation = validate(try ReferenceJob(items: 20, references: 2))
        #expect(validation.isValid, "\(validation.diagnostics)")
        // Only that it has no early threshold (the reference check is its early check here).
        #expect(validation.diagnostics.allSatisfy { $0.code == .thresholdIneffective }, "\(validation.diagnostics)")
    }

    @Test func aMissingFileIsLocatedAtReferenceFile() throws {
        let job = try ReferenceJob(items: 20, references: 2)
        try FileManager.default.removeItem(at: job.folder.appendingPathComponent("gold.jsonl"))
        let validation = validate(job)
        #expect(!validation.isValid)
        let found = try #require(validation.diagnostics.first { $0.code == .referenceInvalid })
        #expect(found.message.contains("gold.jsonl does not exist"))
        #expect(found.location.file.hasSuffix("job.yaml"))
        #expect(found.hint?.contains(#""expected""#) == true)
    }

    @Test func everyLineThatIsNotAKnownAnswerIsLocatedInTheGoldFile() throws {
        let job = try withGold(
            """
            {"id": "labels/label-001.txt", "expected": {"scientificName": "x"}}
            not json
            {"expected": {"scientificName": "x"}}
            {"id": "labels/label-002.txt", "expected": "x"}

            {"id": "labels/label-001.txt", "expected": {"scientificName": "y"}}
            """)
        let validation = validate(job)
        #expect(!validation.isValid)
        let problems = validation.diagnostics.filter { $0.code == .referenceInvalid }
        #expect(problems.map(\.location.line) == [2, 3, 4, 6])
        #expect(problems.allSatisfy { $0.location.file.hasSuffix("gold.jsonl") })
        #expect(problems[0].message.contains("is not JSON"))
        #expect(problems[1].message.contains(#"no "id""#))
        #expect(problems[2].message.contains(#"no "expected" object"#))
        #expect(problems[3].message.contains("line 1 already"))
    }

    @Test func anUnknownIdIsSaidWithTheLinesThatAreNotAnswers() throws {
        let job = try withGold(
            """
            {"id": "labels/label-01.txt", "expected": {"scientificName": "x"}}
            {"id": "labels/label-002.txt", "expected": {"scientificName": "x"}
            """)
        let validation = validate(job)
        #expect(validation.diagnostics.filter { $0.code == .referenceUnknownItem }.map(\.location.line) == [1])
        #expect(validation.diagnostics.filter { $0.code == .referenceInvalid }.map(\.location.line) == [2])
    }

    @Test func anEmptyFileIsRefused() throws {
        let validation = validate(try withGold("\n\n"))
        #expect(
            validation.diagnostics.contains { $0.code == .referenceInvalid && $0.message.contains("no known answer") })
    }

    @Test func anIdThatIsNotAnItemNamesTheNearestIDs() throws {
        let job = try withGold(
            """
            {"id": "labels/label-001.txt", "expected": {"scientificName": "x"}}
            {"id": "label-007", "expected": {"scientificName": "x"}}
            """)
        let validation = validate(job)
        #expect(!validation.isValid)
        let found = try #require(validation.diagnostics.first { $0.code == .referenceUnknownItem })
        #expect(found.location.line == 2)
        #expect(found.location.file.hasSuffix("gold.jsonl"))
        #expect(found.message.contains(#""label-007""#))
        #expect(found.hint?.contains(#""labels/label-007.txt""#) == true, "\(found.hint ?? "")")
    }

    @Test func aComparedFieldTheSuccessSchemaDoesNotDeclareIsAnError() throws {
        let job = try withGold(
            #"{"id": "labels/label-001.txt", "expected": {"scientificName": "x"}}"#,
            reference: ReferenceJob.section(fields: "{ scientificNames: normalized }"))
        let validation = validate(job)
        let found = try #require(validation.diagnostics.first { $0.code == .fieldUnknown && $0.severity == .error })
        #expect(found.message.contains(#""scientificNames""#))
        #expect(found.hint == #"did you mean "scientificName"?"#)
        // Said once: not also warned about as a field no known answer holds.
        #expect(validation.diagnostics.count { $0.code == .fieldUnknown } == 1, "\(validation.diagnostics)")
        #expect(found.location.file.hasSuffix("job.yaml"))
    }

    @Test func aFillRateOnAnUndeclaredFieldIsAnErrorToo() throws {
        let job = try ReferenceJob(
            items: 20, references: 2,
            extra: "thresholds:\n  fields: { after: 10, min_filled: { countryCode: 0.9 } }\n")
        let validation = validate(job)
        let found = try #require(validation.diagnostics.first { $0.code == .fieldUnknown })
        #expect(found.message.contains("thresholds.fields.min_filled"))
        #expect(!validation.isValid)
    }

    @Test func aFieldNoKnownAnswerHoldsIsWarnedAbout() throws {
        let job = try withGold(
            #"{"id": "labels/label-001.txt", "expected": {"scientificName": "x"}}"#,
            reference: ReferenceJob.section(fields: "{ scientificName: normalized, catalogNumber: exact }"))
        let validation = validate(job)
        #expect(validation.isValid)
        let found = try #require(validation.diagnostics.first { $0.code == .fieldUnknown })
        #expect(found.severity == .warning)
        #expect(found.message.contains(#""catalogNumber""#))
    }

    @Test(arguments: ["0", "1.5", "-0.2"]) func minAgreementMustBeOverZeroAndAtMostOne(_ value: String) throws {
        let job = try ReferenceJob(
            items: 20, references: 2,
            reference: ReferenceJob.section(fields: "{ scientificName: normalized }", minAgreement: "\(value)"))
        let validation = validate(job)
        #expect(!validation.isValid)
        #expect(
            validation.diagnostics.contains { $0.code == .outOfRange && $0.location.line > 0 }, "\(codes(validation))")
    }

    @Test func anUnknownComparisonIsRefusedByTheSchema() throws {
        let job = try ReferenceJob(
            items: 20, references: 2,
            reference: ReferenceJob.section(fields: "{ scientificName: fuzzy }"))
        let validation = validate(job)
        #expect(!validation.isValid, "\(codes(validation))")
    }

    @Test func aChangedGoldFileIsDriftForARerun() throws {
        let job = try ReferenceJob(items: 20, references: 2)
        #expect(try job.vigil(["run", "job.yaml", "--quiet"]).status == 0)
        let run = try job.runFolder()
        try "{\"id\": \"labels/label-003.txt\", \"expected\": {\"scientificName\": \"poa\"}}\n".write(
            to: job.folder.appendingPathComponent("gold.jsonl"), atomically: true, encoding: .utf8)
        let outcome = try job.vigil(["rerun", run.appendingPathComponent("manifest.json").path])
        #expect(outcome.status == 7, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("reference file"), "\(outcome.standardError)")
    }
}
