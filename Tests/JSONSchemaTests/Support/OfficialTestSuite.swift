import Foundation
import JSONSchema

/// The official JSON Schema Test Suite (github.com/json-schema-org/JSON-Schema-Test-Suite),
/// read from `../shared/testdata/json-schema-test-suite` beside the repository, or from
/// `$JSON_SCHEMA_TEST_SUITE`.
enum OfficialTestSuite {
    struct Case: Sendable {
        var file: String
        var group: String
        var description: String
        var schema: JSONValue
        var data: JSONValue
        var valid: Bool

        var name: String { "\(file) | \(group) | \(description)" }
    }

    /// `$JSON_SCHEMA_TEST_SUITE`, else `shared/testdata/json-schema-test-suite` in the
    /// nearest folder above the repository that has one (the workspace keeps it there).
    static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["JSON_SCHEMA_TEST_SUITE"] {
            return URL(fileURLWithPath: override)
        }
        var folder = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        while folder.path != "/" {
            folder = folder.deletingLastPathComponent()
            let candidate = folder.appendingPathComponent("shared/testdata/json-schema-test-suite")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("tests").path) {
                return candidate
            }
        }
        return URL(fileURLWithPath: "/work/shared/testdata/json-schema-test-suite")
    }()

    static var draftFolder: URL { root.appendingPathComponent("tests/draft2020-12") }

    /// JSON file names in `folder` (relative to the draft folder), sorted.
    static func files(in folder: String) -> [String] {
        let url = folder.isEmpty ? draftFolder : draftFolder.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.isEmpty ? $0 : "\(folder)/\($0)" }
    }

    static func cases(in file: String) throws -> [Case] {
        let data = try Data(contentsOf: draftFolder.appendingPathComponent(file))
        let document = try JSONParser(maximumDepth: 10_000).parse(data)
        var cases: [Case] = []
        for group in document.arrayValue ?? [] {
            let groupName = group["description"]?.stringValue ?? "?"
            for test in group["tests"]?.arrayValue ?? [] {
                cases.append(
                    Case(
                        file: file, group: groupName, description: test["description"]?.stringValue ?? "?",
                        schema: group["schema"] ?? .bool(true), data: test["data"] ?? .null,
                        valid: test["valid"] == .bool(true)))
            }
        }
        return cases
    }

    /// Every file under `remotes/`, served as `http://localhost:1234/<path>` as the suite expects.
    static let registry: SchemaRegistry = {
        var registry = SchemaRegistry()
        let remotes = root.appendingPathComponent("remotes")
        let enumerator = FileManager.default.enumerator(atPath: remotes.path)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".json"),
                let data = try? Data(contentsOf: remotes.appendingPathComponent(relative)),
                let document = try? JSONParser().parse(data)
            else { continue }
            registry.add(document, at: "http://localhost:1234/\(relative)")
        }
        return registry
    }()

    enum Outcome: Equatable {
        case passed
        case failed(String)
    }

    /// Runs one case; a case also fails when the error-collecting pass disagrees with the
    /// fast pass, so error reporting is checked on every test of the suite.
    static func run(_ testCase: Case, assertsFormat: Bool) -> Outcome {
        let schema: Schema
        do {
            schema = try Schema(
                testCase.schema, registry: registry, options: SchemaOptions(assertsFormat: assertsFormat))
        } catch {
            return .failed("schema did not compile: \(error)")
        }
        let valid = schema.isValid(testCase.data)
        let errors = schema.validate(testCase.data)
        if valid != testCase.valid {
            return .failed(
                "expected \(testCase.valid ? "valid" : "invalid"), got \(valid ? "valid" : "invalid") \(errors.map(\.description))"
            )
        }
        if errors.isEmpty != valid {
            return .failed("the error-collecting pass disagrees: \(errors.map(\.description))")
        }
        return .passed
    }
}
