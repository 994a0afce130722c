import Foundation
import Testing

/// Promises the test suite keeps about itself, checked on its own source.
@Suite struct TestSuiteHygieneTests {
    static let tests = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests")

    /// Every Swift file under Tests/VigilTests, with its path from there.
    static func sources() throws -> [(path: String, text: String)] {
        let walker = try #require(FileManager.default.enumerator(atPath: tests.path))
        return try walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map {
            ($0, try String(contentsOf: tests.appendingPathComponent($0), encoding: .utf8))
        }
    }

    /// A test that runs an engine in this process cannot be killed from outside if it hangs:
    /// only a time limit ends it (and the rest of the suite still runs and reports).
    @Test func everySuiteThatRunsAnEngineInProcessHasATimeLimit() throws {
        var missing: [String] = []
        for (path, text) in try Self.sources()
        where path != "Support/TemporaryJob.swift" && path != "TestSuiteHygieneTests.swift" {
            guard text.contains(".engine(") || text.contains("RunEngine(") else { continue }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated()
            where line.range(of: #"^(@Suite.* )?struct \w+Tests\b"#, options: .regularExpression) != nil {
                let declaration = line.hasPrefix("@Suite") ? String(line) : (index > 0 ? String(lines[index - 1]) : "")
                if !declaration.contains(".timeLimit(") { missing.append("\(path):\(index + 1)") }
            }
        }
        #expect(missing.isEmpty, "suites that run an engine in-process without .timeLimit: \(missing)")
    }
}
