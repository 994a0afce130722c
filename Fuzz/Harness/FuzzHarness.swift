public import Foundation
import JSONSchema
import Vigil

/// What each fuzz target does with one input, shared by the libFuzzer targets (Fuzz/Sources)
/// and the tests that replay the findings (Tests/VigilTests/Fuzz): a fixed crash stays fixed
/// on the same path. Each returns nil, or what broke an invariant (the fuzzer then stops
/// with it; a test fails with it). A crash, a hang or a runaway is found by the caller.
public enum FuzzHarness {
    /// The targets by name (`Scripts/fuzz.sh`'s and the fixture folders' names).
    public static let targets: [String: @Sendable ([UInt8]) -> String?] = [
        "FuzzJobFile": jobFile, "FuzzJSONParser": jsonParser, "FuzzSchema": schema, "FuzzJSONLines": jsonLines,
        "FuzzAnswer": answer,
    ]

    /// Any bytes: the parser answers a value or an error; a value written back as JSON text
    /// parses again to the same value.
    public static func jsonParser(_ bytes: [UInt8]) -> String? {
        for parser in [JSONParser(), JSONParser(allowsDuplicateKeys: true)] {
            guard let value = try? parser.parse(bytes) else { continue }
            let text = value.jsonText()
            guard let again = try? JSONParser(allowsDuplicateKeys: true).parse(text), again == value else {
                return "written back as \(text.prefix(200)), the value does not parse to itself"
            }
        }
        return nil
    }

    /// A JSON array `[schema, instance, ...]`: the schema compiles or is refused with an
    /// error; each instance validates, and the fast answer agrees with the full one.
    public static func schema(_ bytes: [UInt8]) -> String? {
        guard let document = try? JSONParser().parse(bytes), case .array(let parts) = document,
            let schemaDocument = parts.first
        else { return nil }
        for options in [SchemaOptions(), SchemaOptions(assertsFormat: true)] {
            guard let schema = try? Schema(schemaDocument, options: options) else { continue }
            for instance in parts.dropFirst() {
                let valid = schema.isValid(instance)
                let errors = schema.validate(instance)
                if valid != errors.isEmpty { return "isValid says \(valid) but validate gives \(errors.count) errors" }
                for error in errors { _ = error.description }
            }
        }
        return nil
    }

    /// Any text a model could answer: the extractor finds a JSON value or none.
    public static func answer(_ bytes: [UInt8]) -> String? {
        if let value = AnswerJSON.extract(String(decoding: bytes, as: UTF8.self)) { _ = value.jsonText() }
        return nil
    }

    /// Bytes as a JSON Lines input, read as `vigil validate` and a run read it (ids from `id`,
    /// and from line numbers): every record or a located problem.
    public static func jsonLines(_ bytes: [UInt8]) -> String? {
        let file = scratch.appendingPathComponent("records-input.jsonl")
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(bytes))
        for idField in ["id", nil] {
            var items = InputSource(
                folder: scratch, specs: [.jsonl(path: file.lastPathComponent, idField: idField, limit: nil)]
            ).makeIterator()
            do {
                while let item = try items.next() { _ = item.id }
            } catch {
                _ = error.message
            }
        }
        return nil
    }

    /// Bytes as a job file beside a prompt, a schema, a JSON Lines input and a data folder,
    /// loaded as `vigil validate` loads one: a job or located diagnostics.
    public static func jobFile(_ bytes: [UInt8]) -> String? {
        let job = scratch.appendingPathComponent("job.yaml")
        _ = FileManager.default.createFile(atPath: job.path, contents: Data(bytes))
        let validation = JobLoader(purpose: .validate, environment: ["OPENAI_API_KEY": "sk-fuzz"]).load(job.path)
        for diagnostic in validation.diagnostics { _ = diagnostic.description }
        return nil
    }

    /// A folder of this process's: the files a job names (made once), and the inputs written.
    public static let scratch: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(
            at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
        let files = [
            "prompt.md": "Extract the record.\n", "schema.json": #"{"type": "object"}"#,
            "records.jsonl": "{\"id\": \"a\"}\n{\"id\": \"b\"}\n",
            "data/one.txt": "one\n",
        ]
        for (name, text) in files {
            _ = FileManager.default.createFile(
                atPath: folder.appendingPathComponent(name).path, contents: Data(text.utf8))
        }
        return folder
    }()
}
