import Foundation
import Testing

@testable import Vigil

/// A program named without a slash is found once, as `execvp` would find it, and started
/// by its path (a name made swift-subprocess try every PATH folder at every start).
@Suite struct ProgramSearchTests {
    @Test func findsTheFirstExecutableFileOnPathLikeExecvp() throws {
        let root = try TestEnvironment.temporaryFolder()
        let manager = FileManager.default
        for folder in ["a", "b", "c", "job/tools"] {
            try manager.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        // a/tool is a folder, b/tool is not executable, c/tool and job/tools/tool are.
        try manager.createDirectory(at: root.appendingPathComponent("a/tool"), withIntermediateDirectories: true)
        for file in ["b/tool", "c/tool", "job/tools/tool"] {
            try "#!/bin/sh\necho \(file)\n".write(
                to: root.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.appendingPathComponent("c/tool").path)
        try manager.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: root.appendingPathComponent("job/tools/tool").path)
        let job = root.appendingPathComponent("job")
        let path = ["a", "b", "c"].map { root.appendingPathComponent($0).path }.joined(separator: ":")
        #expect(
            ProgramSearch.find("tool", path: path, workingFolder: job) == root.appendingPathComponent("c/tool").path)
        // A relative entry is taken from the folder the program runs in (the job's).
        #expect(
            ProgramSearch.find("tool", path: "tools:" + path, workingFolder: job)
                == job.appendingPathComponent("tools/tool").path)
        #expect(ProgramSearch.find("missing", path: path, workingFolder: job) == nil)

        // The launch resolves it once, with the job's own PATH when it sets one.
        let launch = CommandLaunch(
            arguments: ["tool", "x"], environment: ["PATH": path], folder: job, timeout: .seconds(1))
        #expect("\(launch.executable)".contains(root.appendingPathComponent("c/tool").path))
    }
}
