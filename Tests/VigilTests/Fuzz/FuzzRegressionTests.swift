import Foundation
import TestSupport
import Testing
import VigilFuzzHarness

/// Every input the fuzzers found (Tests/VigilTests/Fixtures/fuzz/TARGET/, copied from
/// .build-fuzz/findings by hand once fixed), replayed through the same code: no crash, no
/// broken invariant, and an end well within the fuzzer's limit (it stopped at 10 s).
@Suite struct FuzzRegressionTests {
    static let fixtures = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Fixtures/fuzz")

    static var cases: [String] {
        let targets = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return targets.sorted().flatMap { target in
            ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent(target).path)) ?? [])
                .sorted().map { "\(target)/\($0)" }
        }
    }

    @Test func everyTargetHasItsFixtureFolderNamedForIt() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
        for folder in folders {
            #expect(FuzzHarness.targets[folder] != nil, "Fixtures/fuzz/\(folder) names no fuzz target")
        }
    }

    @Test(arguments: cases) func aFindingStaysFixed(_ fixture: String) throws {
        let target = try #require(FuzzHarness.targets[String(fixture.split(separator: "/")[0])])
        let bytes = Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(fixture)))
        // On a thread of its own, so a finding that hangs again fails this test instead of the suite.
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        try OwnThread.start {
            outcome.set(target(bytes))
            done.signal()
        }
        guard done.wait(timeout: .now() + 60) == .success else {
            Issue.record("\(fixture) did not finish within 60 s (the fuzzer's limit was 10 s)")
            return
        }
        #expect(outcome.value == nil, "\(fixture): \(outcome.value ?? "")")
    }

    final class Outcome: @unchecked Sendable {  // `problem` only under `lock`
        private let lock = NSLock()
        private var problem: String?
        func set(_ value: String?) { lock.withLock { problem = value } }
        var value: String? { lock.withLock { problem } }
    }
}
