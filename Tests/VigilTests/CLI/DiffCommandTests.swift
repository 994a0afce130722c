import Foundation
import JSONSchema
import Testing

/// `vigil diff`: every kind of difference between two runs, each said with its item, and
/// the exit status (0 same outcomes, 1 they differ, 2 a folder cannot be read).
@Suite struct DiffCommandTests {
    /// Rewrites `file` of `run` line by line (nil drops the line), then appends `extra`.
    func edit(_ run: URL, _ file: String, extra: [String] = [], _ change: (String) -> String?) throws {
        let url = run.appendingPathComponent(file)
        let lines =
            try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init).compactMap(change)
            + extra
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func everyKindOfDifferenceIsSaidWithItsItem() throws {
        let jobs = try TestEnvironment.jobsCopy()
        let a = try TestEnvironment.runDemo(in: jobs)
        let b = try TestEnvironment.runDemo(in: jobs)

        // label-002 succeeded in A; in B it failed.
        var moved: String?
        try edit(b, "results.jsonl") { line in
            guard line.contains("\"data/labels/label-002.txt\"") else { return line }
            moved = line
            return nil
        }
        try #require(moved != nil)
        // label-006 failed in A (the demo's extractor misses its catalog number); in B it succeeded.
        try edit(
            b, "failed.jsonl",
            extra: [
                #"{"id":"data/labels/label-002.txt","attempts":1,"error":"schema","message":"missing required property \"country\""}"#
            ]
        ) {
            $0.contains("\"data/labels/label-006.txt\"") ? nil : $0
        }
        try edit(
            b, "results.jsonl",
            extra: [
                #"{"id":"data/labels/label-006.txt","attempts":1,"result":{"catalogNumber":"DAO 000006"}}"#,
                #"{"id":"data/labels/label-999.txt","attempts":1,"result":{"catalogNumber":"DAO 000999"}}"#,
            ]
        ) {
            // label-005 is not in B at all.
            $0.contains("\"data/labels/label-005.txt\"") ? nil : $0
        }
        // B was run with another prompt.
        let manifestURL = b.appendingPathComponent("manifest.json")
        let manifest = try String(contentsOf: manifestURL, encoding: .utf8)
        let promptDigest = try #require(try JSONParser().parse(manifest)["prompt"]?["sha256"]?.stringValue)
        try manifest.replacing(promptDigest, with: String(repeating: "e", count: 64)).write(
            to: manifestURL, atomically: true, encoding: .utf8)

        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["diff", a.path, b.path])
        let text = outcome.standardOutput
        #expect(outcome.status == 1, "\(outcome.standardError)")
        #expect(text.contains("pins that differ:\n  prompt sha256 \(promptDigest.prefix(12))"), "\(text)")
        #expect(text.contains("-> eeeeeeeeeeee"), "\(text)")
        #expect(
            text.contains(
                "items: 21 same outcome, 0 different result, 1 succeeded in A but failed in B, 1 failed in A but succeeded in B, 1 only in A, 1 only in B"
            ),
            "\(text)")
        #expect(
            text.contains(
                "succeeded in A, failed in B:\n  data/labels/label-002.txt: schema: missing required property \"country\""
            ), "\(text)")
        #expect(text.contains("failed in A, succeeded in B:\n  data/labels/label-006.txt"), "\(text)")
        #expect(text.contains("only in A:\n  data/labels/label-005.txt"), "\(text)")
        #expect(text.contains("only in B:\n  data/labels/label-999.txt"), "\(text)")

        // The same folder twice: the same outcomes, exit 0.
        let same = try TestEnvironment.run(TestEnvironment.vigil, ["diff", a.path, a.path])
        #expect(same.status == 0)
        #expect(
            same.standardOutput.contains("items: 24 same outcome, 0 different result, 0 succeeded in A but failed in B")
        )
    }

    @Test func aFolderThatIsNotARunIsRefusedWithStatus2() throws {
        let jobs = try TestEnvironment.jobsCopy()
        let a = try TestEnvironment.runDemo(in: jobs)
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["diff", a.path, jobs.path])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains(jobs.path), "\(outcome.standardError)")
    }
}
