import Foundation
import Testing
import Vigil

/// `vigil pin` edits only the hash, in place: comments, quoting and layout survive.
@Suite struct PromptPinnerTests {
    static let promptText = "Extract Darwin Core JSON from the label.\n"
    static let digest = "d4fc156bf85b8a583ad72bca4817ebdb0a5ec85dd6d50ed0686d80e66f32cd68"

    func job(_ text: String) throws -> (folder: URL, path: String) {
        let folder = try TestEnvironment.temporaryFolder("vigil-pin")
        try Self.promptText.write(to: folder.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("job.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (folder, path)
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func replacesAStalePinKeepingCommentsAndQuotes() throws {
        let (_, path) = try job(
            "# my job\nprompt:   # the prompt\n  file: prompt.md   # v3\n  sha256: \"0000\"  # pinned 2024-05\nname: x\n"
        )
        let outcome = try PromptPinner.pin(jobAt: path)
        #expect(outcome == .pinned(previous: "0000", sha256: Self.digest))
        #expect(
            try read(path)
                == "# my job\nprompt:   # the prompt\n  file: prompt.md   # v3\n  sha256: \"\(Self.digest)\"  # pinned 2024-05\nname: x\n"
        )
    }

    @Test func insertsAMissingPinUnderTheFile() throws {
        let (_, path) = try job("prompt:\n    file: prompt.md\nname: x\n")
        _ = try PromptPinner.pin(jobAt: path)
        #expect(try read(path) == "prompt:\n    file: prompt.md\n    sha256: \(Self.digest)\nname: x\n")
    }

    @Test func fillsAnEmptyPin() throws {
        let (_, path) = try job("prompt:\n  file: prompt.md\n  sha256:   # fill me\n")
        _ = try PromptPinner.pin(jobAt: path)
        #expect(try read(path) == "prompt:\n  file: prompt.md\n  sha256: \(Self.digest) # fill me\n")
    }

    @Test func worksInAFlowMapping() throws {
        let (_, path) = try job("prompt: {file: prompt.md}\n")
        _ = try PromptPinner.pin(jobAt: path)
        #expect(try read(path) == "prompt: {file: prompt.md, sha256: \(Self.digest)}\n")
        let (_, second) = try job("prompt: {file: prompt.md, sha256: abc}\n")
        _ = try PromptPinner.pin(jobAt: second)
        #expect(try read(second) == "prompt: {file: prompt.md, sha256: \(Self.digest)}\n")
    }

    @Test func aCurrentPinIsLeftAlone() throws {
        let text = "prompt:\n  file: prompt.md\n  sha256: \(Self.digest)\n"
        let (_, path) = try job(text)
        #expect(try PromptPinner.pin(jobAt: path) == .alreadyPinned(sha256: Self.digest))
        #expect(try read(path) == text)
    }

    @Test func checkReportsWithoutWritingAndExitsTwo() throws {
        let text = "prompt:\n  file: prompt.md\n  sha256: \(String(repeating: "0", count: 64))\n"
        let (_, path) = try job(text)
        let outcome = try TestEnvironment.run(TestEnvironment.vigil, ["pin", "--check", path])
        #expect(outcome.status == 2)
        // Said where the stale pin is written, with what to do.
        let zeros = String(repeating: "0", count: 64)
        #expect(
            outcome.standardOutput.contains(
                "\(path):3:11: error: prompt.sha256 pins \(zeros), but the prompt file prompt.md has sha256 \(Self.digest) [V011]"
            ),
            "\(outcome.standardOutput)")
        #expect(outcome.standardOutput.contains("if the prompt was changed on purpose, run `vigil pin \(path)`"))
        #expect(try read(path) == text)
        // As a GitHub Actions annotation on that line.
        let annotated = try TestEnvironment.run(TestEnvironment.vigil, ["pin", "--check", "--format", "github", path])
        #expect(annotated.status == 2)
        #expect(annotated.standardOutput.hasPrefix("::error file=\(path),line=3,col=11"), "\(annotated.standardOutput)")
        let pinned = try TestEnvironment.run(TestEnvironment.vigil, ["pin", path])
        #expect(pinned.status == 0)
        #expect(try TestEnvironment.run(TestEnvironment.vigil, ["pin", "--check", path]).status == 0)
    }

    @Test func aMissingPromptFileIsReportedWhereItIsNamed() throws {
        let (_, path) = try job("prompt:\n  file: nothing.md\n")
        #expect {
            try PromptPinner.pin(jobAt: path)
        } throws: { error in
            let diagnostic = error as! Diagnostic
            return diagnostic.code == .promptMissing && diagnostic.location.line == 2 && diagnostic.location.column == 9
        }
    }
}
