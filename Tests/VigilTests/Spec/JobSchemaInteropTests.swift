import Foundation
import Testing

/// The job schema works in other tools, not only in Vigil: Python's `jsonschema` (with
/// PyYAML) accepts every shipped job and refuses the invalid fixtures' shapes.
@Suite struct JobSchemaInteropTests {
    @Test func pythonJSONSchemaAcceptsEveryShippedJob() throws {
        let script = """
            import glob, json, sys, yaml
            from jsonschema import Draft202012Validator
            schema = json.load(open("schemas/job.v1.schema.json"))
            Draft202012Validator.check_schema(schema)
            validator = Draft202012Validator(schema)
            jobs = sorted(glob.glob("jobs/**/*.yaml", recursive=True))
            bad = [(job, e.message) for job in jobs for e in validator.iter_errors(yaml.safe_load(open(job)))]
            print(len(jobs), "jobs checked;", len(bad), "errors")
            for job, message in bad: print(job, message)
            sys.exit(1 if bad or len(jobs) < 3 else 0)
            """
        let outcome = try TestEnvironment.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script],
            currentDirectory: TestEnvironment.repository)
        #expect(
            outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError) (pip install jsonschema pyyaml)")
    }

    @Test func pythonJSONSchemaRefusesAWrongShape() throws {
        let script = """
            import json, yaml
            from jsonschema import Draft202012Validator
            validator = Draft202012Validator(json.load(open("schemas/job.v1.schema.json")))
            for name in ["unknown-top-level-key", "provider-typo", "threshold-rate-above-one", "input-glob-and-jsonl", "openai-with-command-key"]:
                job = yaml.safe_load(open("Tests/VigilTests/Fixtures/invalid/%s.yaml" % name))
                assert not validator.is_valid(job), name
            print("refused")
            """
        let outcome = try TestEnvironment.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script],
            currentDirectory: TestEnvironment.repository)
        #expect(outcome.status == 0, "\(outcome.standardError)")
    }
}
