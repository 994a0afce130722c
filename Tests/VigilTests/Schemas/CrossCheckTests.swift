import Foundation
import JSONSchema
import Testing

/// `vigil schema validate` against an independent implementation: Python's `jsonschema`
/// judges a generated corpus (300 random schemas x 30 instances, plus 500 Darwin Core
/// records against the demo schema) and Vigil must agree on every instance.
/// `.ci/run` installs `jsonschema` from PyPI.
@Suite struct CrossCheckTests {
    @Test func agreesWithPythonJSONSchema() throws {
        let corpus = try TestEnvironment.temporaryFolder("vigil-crosscheck")
        defer { try? FileManager.default.removeItem(at: corpus) }
        let generator = TestEnvironment.repository.appendingPathComponent(
            "Tests/VigilTests/Schemas/crosscheck_corpus.py")
        let dwc = TestEnvironment.repository.appendingPathComponent("jobs/schemas/dwc-record.schema.json")
        let generated = try TestEnvironment.run(
            program: "python3", [generator.path, corpus.path, "--cases", "300", "--dwc", dwc.path])
        try #require(
            generated.status == 0,
            "the corpus generator failed (is Python's jsonschema installed? pip install jsonschema): \(generated.standardError)"
        )

        let cases = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        #expect(cases.count == 301)
        var instances = 0
        var pythonInvalid = 0
        var disagreements: [String] = []
        for name in cases {
            let folder = corpus.appendingPathComponent(name)
            let expected =
                try JSONParser().parse(Data(contentsOf: folder.appendingPathComponent("expected.json"))).arrayValue
                ?? []
            let outcome = try TestEnvironment.run(
                TestEnvironment.vigil,
                [
                    "schema", "validate", "--schema", folder.appendingPathComponent("schema.json").path,
                    folder.appendingPathComponent("instances.jsonl").path, "--format", "json",
                ])
            guard outcome.status == 0 || outcome.status == 1 else {
                disagreements.append(
                    "\(name): vigil exited \(outcome.status): \(outcome.standardOutput)\(outcome.standardError)")
                continue
            }
            let diagnostics = try JSONParser().parse(outcome.standardOutput).arrayValue ?? []
            let invalidLines = Set(diagnostics.compactMap { $0["line"]?.numberValue?.int64Value.map(Int.init) })
            for (index, verdict) in expected.enumerated() {
                instances += 1
                let pythonValid = verdict == .bool(true)
                if !pythonValid { pythonInvalid += 1 }
                if pythonValid == invalidLines.contains(index + 1) {
                    disagreements.append(
                        "\(name) line \(index + 1): python says \(pythonValid ? "valid" : "invalid"), vigil disagrees")
                }
            }
        }
        print(
            "cross-check with Python jsonschema: \(instances) instances (\(pythonInvalid) invalid) in \(cases.count) schemas, \(disagreements.count) disagreements"
        )
        #expect(instances == 300 * 30 + 500)
        #expect(
            pythonInvalid > instances / 10 && pythonInvalid < instances * 9 / 10,
            "the corpus should mix valid and invalid instances")
        #expect(disagreements.isEmpty, "\(disagreements.prefix(20).joined(separator: "\n"))")
    }
}
