import Foundation
import Testing
import Vigil

/// `vigil validate DIR` and `vigil pin --check DIR`: the job files under a folder, found by
/// the rule `JobFileFinder` documents, so CI can check them all with one command.
@Suite struct JobFolderTests {
    @Test func aFolderStandsForTheJobFilesUnderIt() throws {
        let jobs = try TestEnvironment.jobsCopy()
        // A run leaves runs/demo-dwc/RUN/job.yaml (Vigil's copy, beside jobs/): not a job to check.
        _ = try TestEnvironment.runDemo(in: jobs)
        let root = jobs.deletingLastPathComponent()
        let found = JobFileFinder.jobFiles(under: root.path).map { String($0.dropFirst(root.path.count + 1)) }
        #expect(
            found == [
                "jobs/demo.yaml", "jobs/examples/batch.yaml", "jobs/examples/broken-extractor.yaml",
                "jobs/examples/demo-coordinated.yaml", "jobs/examples/priced.yaml",
                "jobs/examples/wrong-prompt.yaml", "jobs/herbarium.yaml",
            ])

        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["validate", root.path])
        // The incident's job (wrong-prompt.yaml) is invalid, so the folder is.
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("\(root.path)/jobs/demo.yaml: valid"), "\(outcome.standardError)")
        #expect(
            outcome.standardError.contains("\(root.path)/jobs/examples/wrong-prompt.yaml: invalid (1 error"),
            "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("wrong-prompt.yaml:"))
        #expect(
            !outcome.standardError.contains("runs/") && !outcome.standardError.contains("k8s"),
            "\(outcome.standardError)")
    }

    @Test func aFolderWithoutJobFilesIsAnError() throws {
        let folder = try TestEnvironment.temporaryFolder()
        try "version: 1\n".write(to: folder.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["validate", folder.path])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("no job files under \(folder.path)"), "\(outcome.standardError)")
    }

    /// What a hook passes: every changed YAML file; with --only-job-files the others are skipped.
    @Test func onlyJobFilesSkipsOtherYAML() throws {
        let jobs = try TestEnvironment.jobsCopy()
        let other = jobs.appendingPathComponent(".pre-commit-config.yaml")
        try "repos: []\n".write(to: other, atomically: true, encoding: .utf8)
        let named = jobs.appendingPathComponent("nightly.job.yaml")
        try String(contentsOf: jobs.appendingPathComponent("demo.yaml"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
            .write(to: named, atomically: true, encoding: .utf8)
        let arguments = [other.path, jobs.appendingPathComponent("demo.yaml").path, named.path]
        let skipped = try TestEnvironment.run(TestEnvironment.vigil, ["validate", "--only-job-files"] + arguments)
        #expect(skipped.status == 0, "\(skipped.standardError)\(skipped.standardOutput)")
        #expect(!skipped.standardError.contains(".pre-commit-config.yaml"))
        #expect(skipped.standardError.contains("nightly.job.yaml: valid"), "\(skipped.standardError)")
        let all = try TestEnvironment.run(TestEnvironment.vigil, ["validate"] + arguments)
        #expect(all.status == 2)
        #expect(all.standardError.contains(".pre-commit-config.yaml: invalid"))
    }
}

/// The completion scripts the README tells users to install.
@Suite struct CompletionScriptTests {
    @Test func theBashScriptRegistersCompletionForVigilAndItsCommands() throws {
        let script = try TestEnvironment.run(TestEnvironment.vigil, ["--generate-completion-script", "bash"])
        #expect(script.status == 0)
        let file = try TestEnvironment.temporaryFolder().appendingPathComponent("vigil.bash")
        try script.standardOutput.write(to: file, atomically: true, encoding: .utf8)
        let registered = try TestEnvironment.run(program: "bash", ["-c", "source '\(file.path)' && complete -p vigil"])
        #expect(registered.status == 0, "\(registered.standardError)")
        #expect(registered.standardOutput.contains("vigil"))
        for command in ["validate", "run", "resume", "pin", "watch", "report"] {
            #expect(script.standardOutput.contains(command))
        }
        for shell in ["zsh", "fish"] {
            let other = try TestEnvironment.run(TestEnvironment.vigil, ["--generate-completion-script", shell])
            #expect(other.status == 0 && other.standardOutput.contains("validate"), "\(shell)")
        }
    }
}
