import Foundation
import JSONSchema
import Testing
import Vigil

/// `vigil export`: CSV and TSV that another reader (Python's csv module) reads back exactly,
/// JSON Lines, chosen fields, failures, and `vigil score` on the same run.
@Suite(.timeLimit(.minutes(3))) struct ExportCommandTests {
    /// A finished run whose answers hold what breaks naive CSV: commas, quotes, line breaks
    /// (LF and CRLF), tabs, non-ASCII, a nested object and an array; every 5th item fails.
    static func trickyRun() throws -> (job: TemporaryJob, run: URL) {
        let job = try TemporaryJob(
            items: 12,
            extractor: TemporaryJob.extractor(
                #"answer = {"n": n, "name": f'Carex, "aquatilis"\nWahlenb. é {n}', "note": "tab\there\r\nand CRLF", "place": {"country": "Québec", "geo": {"lat": 45.5}}, "tags": ["a", "b,c"]} if n % 5 else {"n": 0}"#
            ), thresholds: "")
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["run", job.path, "--quiet"])
        guard outcome.status == 0 else { throw TestFailure("the run failed: \(outcome.standardError)") }
        let runs = job.folder.appendingPathComponent("runs/test-job")
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: runs.path).first { !$0.hasPrefix(".") })
        return (job, runs.appendingPathComponent(name))
    }

    /// Reads a delimited file with Python's csv module; prints the rows as JSON.
    func readWithPython(_ file: URL, delimiter: String = ",") throws -> [[String]] {
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline="", encoding="utf-8") as f:
                print(json.dumps(list(csv.reader(f, delimiter=sys.argv[2]))))
            """
        let outcome = try TestEnvironment.run(program: "python3", ["-c", script, file.path, delimiter])
        guard outcome.status == 0 else { throw TestFailure(outcome.standardError) }
        let rows = try JSONParser().parse(outcome.standardOutput).arrayValue ?? []
        return rows.map { $0.arrayValue?.compactMap(\.stringValue) ?? [] }
    }

    @Test func csvQuotingReadsBackExactlyWithAnIndependentReader() throws {
        let (_, run) = try Self.trickyRun()
        let file = run.deletingLastPathComponent().appendingPathComponent("out.csv")
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["export", run.path, "-o", file.path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let rows = try readWithPython(file)
        // The success schema declares n only: it comes first, then the fields as first seen.
        #expect(rows.first == ["id", "path", "n", "name", "note", "place.country", "place.geo.lat", "tags"])
        #expect(rows.count == 1 + 10)
        let third = try #require(rows.first { $0.first == "items/item-003.txt" })
        #expect(third[2] == "3")
        #expect(third[3] == "Carex, \"aquatilis\"\nWahlenb. é 3")
        #expect(third[4] == "tab\there\r\nand CRLF")
        #expect(third[5] == "Québec")
        #expect(third[6] == "45.5")
        #expect(third[7] == #"["a","b,c"]"#)
        // Rows by id; RFC 4180 line ends; the same results export to the same bytes.
        #expect(rows.dropFirst().map { $0[0] } == rows.dropFirst().map { $0[0] }.sorted())
        let bytes = try Data(contentsOf: file)
        #expect(String(decoding: bytes.prefix(60), as: UTF8.self).contains("tags\r\n"))
        let again = try TestEnvironment.run(TestEnvironment.vigil, ["export", run.path])
        #expect(Data(again.standardOutput.utf8) == bytes)
    }

    @Test func tsvChosenFieldsAndFailuresAsRows() throws {
        let (_, run) = try Self.trickyRun()
        let file = run.deletingLastPathComponent().appendingPathComponent("out.tsv")
        let outcome = try TestEnvironment.run(
            TestEnvironment.vigil,
            ["export", run.path, "--format", "tsv", "--fields", "place.country,n", "--include-failed", "-o", file.path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let rows = try readWithPython(file, delimiter: "\t")
        #expect(rows.first == ["id", "path", "place.country", "n", "error"])
        #expect(rows.count == 1 + 12)
        let failed = try #require(rows.first { $0.first == "items/item-005.txt" })
        #expect(failed[2] == "" && failed[3] == "")
        #expect(failed[4].hasPrefix("schema:"), "\(failed)")
    }

    @Test func jsonLinesKeepTypesAndAnUnknownFieldIsRefusedWithTheFields() throws {
        let (_, run) = try Self.trickyRun()
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["export", run.path, "--format", "jsonl"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = try outcome.standardOutput.split(separator: "\n").map { try JSONParser().parse(String($0)) }
        #expect(lines.count == 10)
        #expect(lines[0]["n"] == 1)
        #expect(lines[0]["place.geo.lat"] == 45.5)
        #expect(lines[0]["tags"] == ["a", "b,c"])
        let refused = try TestEnvironment.run(TestEnvironment.vigil, ["export", run.path, "--fields", "nmae"])
        #expect(refused.status == 2)
        #expect(refused.standardError.contains(#"did you mean "name"?"#), "\(refused.standardError)")
    }

    @Test func scoreExitsZeroOrOneAgainstTheMinimum() throws {
        let job = try ReferenceJob(items: 20, references: 4)
        #expect(try job.vigil(["run", "job.yaml", "--quiet"], environment: ["WRONG": "1"]).status == 3)
        let wrong = try job.runFolder()
        let gold = job.folder.appendingPathComponent("gold.jsonl").path
        let scored = try job.vigil(["score", wrong.path, "--reference", gold])
        #expect(scored.status == 1, "\(scored.standardOutput)")
        #expect(scored.standardOutput.contains("scientificName  0/"), "\(scored.standardOutput)")
        let onlyNumbers = try job.vigil([
            "score", wrong.path, "--reference", gold, "--fields", "catalogNumber=exact", "--format", "json",
        ])
        #expect(onlyNumbers.status == 0, "\(onlyNumbers.standardOutput)")
        let json = try JSONParser().parse(onlyNumbers.standardOutput)
        #expect(json["agreement"] == 1)
        #expect(json["passed"] == true)
        // Known answers for items the aborted run never reached are named, not counted.
        let notInRun = json["not_in_run"]?.arrayValue?.count ?? 0
        let compared = Int(json["items"]?.numberValue?.int64Value ?? 0)
        #expect(notInRun + compared == 4)
    }

    @Test func exportReadsAMergedShardRunAsOneRun() throws {
        let job = try ReferenceJob(items: 30, references: 3, reference: "")
        for shard in ["0/2", "1/2"] {
            let outcome = try job.vigil(["run", "job.yaml", "--quiet", "--shard", shard, "--run-id", "merged-test"])
            #expect(outcome.status == 0, "\(outcome.standardError)")
        }
        let run = job.folder.appendingPathComponent("runs/reference-job/merged-test")
        let merged = try job.vigil(["merge", run.path])
        #expect(merged.status == 0, "\(merged.standardError)")
        let outcome = try job.vigil(["export", run.path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let file = job.folder.appendingPathComponent("merged.csv")
        try outcome.standardOutput.write(to: file, atomically: true, encoding: .utf8)
        let rows = try readWithPython(file)
        #expect(rows.count == 31)
        #expect(rows.first == ["id", "path", "catalogNumber", "scientificName", "basisOfRecord"])
    }
}
