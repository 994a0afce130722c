import Foundation
import Vigil

/// A job with known answers: `count` labels (a catalog number and a scientific name each), a
/// gold file for `references` of them spread over the set, and an extractor that reads the
/// label right, or (`WRONG=1` in its environment) returns the same schema-valid wrong name
/// for every label. Every call is appended to calls.log, in the order the calls began;
/// `EXTRACT_HOLD_AFTER=N` holds every call after the N-th until a file named `release` exists.
struct ReferenceJob {
    let folder: URL
    let path: String
    let referenceIDs: [String]

    static let names = [
        "Carex aquatilis Wahlenb.", "Poa pratensis L.", "Salix bebbiana Sarg.", "Betula papyrifera Marshall",
        "Acer rubrum L.",
    ]

    /// - Parameters:
    ///   - references: how many labels have known answers (every count/references-th, from the 3rd).
    ///   - reference: the job's `reference:` section (nil: the default one over gold.jsonl).
    ///   - extra: more of the job (thresholds), appended.
    init(
        items count: Int = 200, references: Int = 8, concurrency: Int = 4, reference: String? = nil, extra: String = ""
    ) throws {
        folder = try TestEnvironment.temporaryFolder("vigil-reference")
        let labels = folder.appendingPathComponent("labels")
        try FileManager.default.createDirectory(at: labels, withIntermediateDirectories: true)
        var gold = ""
        var ids: [String] = []
        let step = count / references
        for index in 1...count {
            let id = String(format: "labels/label-%03d.txt", index)
            let name = Self.names[index % Self.names.count]
            let catalog = "DAO-\(100_000 + index)"
            try "catalog: \(catalog)\nname: \(name)\n".write(
                to: folder.appendingPathComponent(id), atomically: true, encoding: .utf8)
            if index % step == 3 % step && ids.count < references {
                ids.append(id)
                // Written as a curator would: lower case, no final period (compared `normalized`).
                let expected = name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
                gold +=
                    #"{"id": "\#(id)", "expected": {"scientificName": "\#(expected)", "catalogNumber": "\#(catalog)"}}"#
                gold += "\n"
            }
        }
        referenceIDs = ids
        try gold.write(to: folder.appendingPathComponent("gold.jsonl"), atomically: true, encoding: .utf8)
        try """
        import json, os, re, sys, time
        request = json.load(sys.stdin)
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "calls.log"), "a") as log:
            log.write(request["id"] + "\\n")
        time.sleep(float(os.environ.get("EXTRACT_DELAY", "0")))
        # EXTRACT_HOLD_AFTER=N: calls after the N-th wait for a file named "release" (at most 2 min).
        if os.environ.get("EXTRACT_HOLD_AFTER"):
            with open(os.path.join(here, "calls.log")) as log:
                made = len(log.read().split())
            began = time.time()
            while made > int(os.environ["EXTRACT_HOLD_AFTER"]) and time.time() - began < 120:
                if os.path.exists(os.path.join(here, "release")):
                    break
                time.sleep(0.05)
        text = open(request["path"]).read()
        catalog = re.search(r"catalog: (.*)", text).group(1)
        name = re.search(r"name: (.*)", text).group(1)
        if os.environ.get("WRONG"):
            name = "Poa annua L."
        print(json.dumps({"catalogNumber": catalog, "scientificName": name, "basisOfRecord": "PreservedSpecimen"}))
        """.write(to: folder.appendingPathComponent("extract.py"), atomically: true, encoding: .utf8)
        try #"""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
         "required": ["catalogNumber", "scientificName"],
         "properties": {"catalogNumber": {"type": "string"}, "scientificName": {"type": "string", "minLength": 3},
                        "basisOfRecord": {"type": "string"}}}
        """#.write(to: folder.appendingPathComponent("schema.json"), atomically: true, encoding: .utf8)
        try "Read the label.\n".write(to: folder.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        let digest = FileDigest.sha256(of: folder.appendingPathComponent("prompt.md"))!
        let section =
            reference ?? """
                reference:
                  file: gold.jsonl
                  fields: { scientificName: normalized, catalogNumber: exact }
                  min_agreement: 0.9
                  action: abort
                """
        path = folder.appendingPathComponent("job.yaml").path
        try """
        version: 1
        name: reference-job
        inputs:
          - glob: labels/*.txt
        model:
          provider: command
          command: [python3, extract.py]
          timeout: 60s
        prompt:
          file: prompt.md
          sha256: \(digest)
        success:
          schema: schema.json
        \(section)
        execution:
          concurrency: \(concurrency)
          retries: { max_attempts: 2, initial_delay: 10ms, max_delay: 20ms }
        checkpoint: { every: 5 }
        output: { dir: runs }
        \(extra)
        """.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A `reference:` section over gold.jsonl.
    static func section(fields: String, minAgreement: String = "0.9", action: String? = nil) -> String {
        """
        reference:
          file: gold.jsonl
          fields: \(fields)
          min_agreement: \(minAgreement)

        """ + (action.map { "  action: \($0)\n" } ?? "")
    }

    /// The calls made so far, in the order they began.
    func calls() -> [String] {
        let text = (try? String(contentsOf: folder.appendingPathComponent("calls.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// The only run folder under runs/reference-job.
    func runFolder() throws -> URL {
        let runs = folder.appendingPathComponent("runs/reference-job")
        let names = try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { !$0.hasPrefix(".") }
        guard names.count == 1 else { throw TestFailure("expected one run folder in \(runs.path), found \(names)") }
        return runs.appendingPathComponent(names[0])
    }

    /// `vigil ARGUMENTS` in the job's folder, with `environment` added.
    func vigil(_ arguments: [String], environment: [String: String] = [:]) throws -> TestEnvironment.Outcome {
        try TestEnvironment.run(TestEnvironment.vigil, arguments, currentDirectory: folder, environment: environment)
    }
}
