import Foundation
import JSONSchema
import Testing

/// The official JSON Schema Test Suite, draft 2020-12: every required test must pass.
@Suite struct OfficialSuiteTests {
    @Test("required draft 2020-12 tests", arguments: OfficialTestSuite.files(in: ""))
    func required(file: String) throws {
        for testCase in try OfficialTestSuite.cases(in: file) {
            if case .failed(let reason) = OfficialTestSuite.run(testCase, assertsFormat: false) {
                Issue.record("\(testCase.name): \(reason)")
            }
        }
    }

    @Test("the suite is present and complete")
    func suiteIsPresent() throws {
        let files = OfficialTestSuite.files(in: "")
        #expect(
            files.count >= 40,
            "the JSON Schema Test Suite was not found at \(OfficialTestSuite.draftFolder.path); set JSON_SCHEMA_TEST_SUITE"
        )
        let total = try files.reduce(0) { $0 + (try OfficialTestSuite.cases(in: $1).count) }
        #expect(total >= 1299)
    }

    /// Optional format tests with format assertion on. Failures listed in
    /// `KnownFormatFailures` are expected (each with its reason); any other failure, or a
    /// listed test that now passes, fails this test so the list stays true.
    @Test("optional format tests, asserted", arguments: OfficialTestSuite.files(in: "optional/format"))
    func optionalFormats(file: String) throws {
        for testCase in try OfficialTestSuite.cases(in: file) {
            let outcome = OfficialTestSuite.run(testCase, assertsFormat: true)
            let known = KnownFailures.formats[testCase.name]
            switch (outcome, known) {
            case (.failed(let reason), nil):
                Issue.record("\(testCase.name): \(reason)")
            case (.passed, let reason?):
                Issue.record("\(testCase.name) now passes; remove it from KnownFailures (\(reason))")
            default:
                break
            }
        }
    }

    /// Prints the pass counts the README and issue notes quote.
    @Test("summary")
    func summary() throws {
        // The README's conformance table: (title, folder, asserts format, total, failures allowed).
        let expected = [
            ("required", "", false, 1_299, 0), ("optional", "optional", false, 162, 0),
            ("optional/format (asserted)", "optional/format", true, 764, KnownFailures.formats.count),
        ]
        for (title, folder, asserts, expectedTotal, allowedFailures) in expected {
            var passed = 0
            var total = 0
            for file in OfficialTestSuite.files(in: folder) {
                for testCase in try OfficialTestSuite.cases(in: file) {
                    total += 1
                    let outcome = OfficialTestSuite.run(testCase, assertsFormat: asserts)
                    if outcome == .passed {
                        passed += 1
                    } else if ProcessInfo.processInfo.environment["VIGIL_SUITE_VERBOSE"] != nil {
                        print("FAILED \(testCase.name): \(outcome)")
                    }
                }
            }
            print("JSON Schema Test Suite draft2020-12 \(title): \(passed)/\(total) passed")
            // A suite with other tests, or a result other than the README's, is said here
            // (then update the README's table with the new figures).
            #expect(total == expectedTotal, "\(title): the suite has \(total) tests; the README says \(expectedTotal)")
            #expect(
                passed == total - allowedFailures,
                "\(title): \(passed)/\(total) passed; the README says \(expectedTotal - allowedFailures)/\(expectedTotal)"
            )
        }
    }
}
