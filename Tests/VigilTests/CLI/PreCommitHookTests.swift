import Foundation
import Testing

/// The repository's .pre-commit-hooks.yaml through the real `pre-commit` tool (PyPI), on a
/// scratch git repository holding the demo job: a good commit goes through; a prompt edited
/// without `vigil pin`, or a job with a mistake, is refused with the located error.
@Suite(.serialized) struct PreCommitHookTests {
    let environment: [String: String]

    init() throws {
        // The hooks run the `vigil` on PATH (language: system): the one this test run built.
        let path =
            TestEnvironment.vigil.deletingLastPathComponent().path + ":"
            + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        environment = [
            "PATH": path, "PRE_COMMIT_HOME": try TestEnvironment.temporaryFolder("vigil-pre-commit-home").path,
            "GIT_AUTHOR_NAME": "Vigil Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Vigil Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
            "GIT_CONFIG_GLOBAL": "/dev/null",
        ]
    }

    @discardableResult
    func git(_ arguments: [String], in folder: URL) throws -> TestEnvironment.Outcome {
        let outcome = try TestEnvironment.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["git", "-C", folder.path] + arguments, environment: environment)
        return outcome
    }

    func commit(_ message: String, in folder: URL) throws -> TestEnvironment.Outcome {
        try git(["add", "-A"], in: folder)
        return try git(["commit", "-q", "-m", message], in: folder)
    }

    @Test func theHooksRefuseAStalePinAndAnInvalidJobAtTheirLines() throws {
        // A repository that publishes the hooks, as the project's own would.
        let hooks = try TestEnvironment.temporaryFolder("vigil-hooks")
        try FileManager.default.copyItem(
            at: TestEnvironment.repository.appendingPathComponent(".pre-commit-hooks.yaml"),
            to: hooks.appendingPathComponent(".pre-commit-hooks.yaml"))
        try git(["init", "-q"], in: hooks)
        #expect(try commit("hooks", in: hooks).status == 0)
        let revision = try git(["rev-parse", "HEAD"], in: hooks).standardOutput.trimmingCharacters(
            in: .whitespacesAndNewlines)

        // A project with the demo job, using them.
        let project = try TestEnvironment.jobsCopy()
        // examples/ holds the incident's job, invalid on purpose.
        try FileManager.default.removeItem(at: project.appendingPathComponent("examples"))
        try """
        repos:
          - repo: \(hooks.path)
            rev: \(revision)
            hooks:
              - id: vigil-validate
              - id: vigil-pin-check

        """.write(to: project.appendingPathComponent(".pre-commit-config.yaml"), atomically: true, encoding: .utf8)
        try git(["init", "-q"], in: project)
        let install = try TestEnvironment.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-m", "pre_commit", "install"], currentDirectory: project,
            environment: environment)
        try #require(
            install.status == 0, "pre-commit is needed (.ci/run installs it with pip): \(install.standardError)")
        let first = try commit("the demo", in: project)
        #expect(first.status == 0, "\(first.standardOutput)\(first.standardError)")

        // The prompt edited, the pin not: refused at the pin's line (demo.yaml:17:11).
        let prompt = project.appendingPathComponent("prompts/label_to_dwc.md")
        try (String(contentsOf: prompt, encoding: .utf8) + "Also extract the collector's number.\n").write(
            to: prompt, atomically: true, encoding: .utf8)
        let stale = try commit("a new prompt", in: project)
        #expect(stale.status != 0)
        let said = stale.standardOutput + stale.standardError
        #expect(said.contains("vigil pin --check (prompt pins)") && said.contains("Failed"), "\(said)")
        #expect(
            said.contains(
                "demo.yaml:17:11: error: prompt.sha256 pins b3a2b09201230f652f9aad1f6962f610582243ce55728cb7730e5eff5642fd77, but the prompt file prompts/label_to_dwc.md has sha256"
            ), "\(said)")
        #expect(try git(["log", "--oneline"], in: project).standardOutput.split(separator: "\n").count == 1)

        // Pinned: the commit goes through.
        #expect(
            try TestEnvironment.run(TestEnvironment.vigil, ["pin", project.appendingPathComponent("demo.yaml").path])
                .status == 0)
        let pinned = try commit("a new prompt, pinned", in: project)
        #expect(pinned.status == 0, "\(pinned.standardOutput)\(pinned.standardError)")

        // A job with a mistake: refused by vigil-validate, at the line.
        let job = project.appendingPathComponent("demo.yaml")
        try String(contentsOf: job, encoding: .utf8).replacing("concurrency:", with: "concurrencyy:").write(
            to: job, atomically: true, encoding: .utf8)
        let invalid = try commit("a typo", in: project)
        #expect(invalid.status != 0)
        let typo = invalid.standardOutput + invalid.standardError
        #expect(typo.contains("vigil validate (job files)") && typo.contains("demo.yaml:"), "\(typo)")
        #expect(typo.contains("concurrencyy"), "\(typo)")
    }
}
