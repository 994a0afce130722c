import Foundation
import Testing
import Vigil

/// Every fixture job under `Fixtures/invalid` and `Fixtures/valid` ends with the exact
/// diagnostics it must produce, as `# expect: <severity> <code> <line>:<column>` lines
/// (`# expect: nothing` for none).
@Suite struct JobFixtureTests {
    static let folder = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Fixtures")

    static func names(_ kind: String) -> [String] {
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(kind).path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// The environment fixtures are checked in: the variables they name are set, except
    /// the one a fixture leaves unset on purpose.
    static let environment: [String: String] = [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "FIXTURE_KEY": "set", "HOOK": "set",
    ]

    static func expectations(in path: String) throws -> [String] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("# expect: ") }.map {
            String($0.dropFirst("# expect: ".count))
        }
        return lines == ["nothing"] ? [] : lines
    }

    static func actual(_ path: String) -> [String] {
        JobLoader(purpose: .validate, environment: environment).load(path).diagnostics.map {
            "\($0.severity.rawValue) \($0.code) \($0.location.line):\($0.location.column)"
        }
    }

    @Test("invalid fixtures produce exactly their diagnostics", arguments: names("invalid"))
    func invalid(name: String) throws {
        let path = Self.folder.appendingPathComponent("invalid/\(name)").path
        let expected = try Self.expectations(in: path)
        #expect(!expected.isEmpty, "\(name) lists no expectation")
        #expect(expected.contains { $0.hasPrefix("error ") }, "\(name) must expect at least one error")
        #expect(Self.actual(path) == expected)
    }

    @Test("valid fixtures are valid, with exactly their warnings", arguments: names("valid"))
    func valid(name: String) throws {
        let path = Self.folder.appendingPathComponent("valid/\(name)").path
        let validation = JobLoader(purpose: .validate, environment: Self.environment).load(path)
        #expect(validation.isValid)
        #expect(Self.actual(path) == (try Self.expectations(in: path)))
    }

    @Test func thereAreEnoughFixtures() {
        #expect(Self.names("invalid").count >= 40)
        #expect(Self.names("valid").count >= 5)
    }
}
