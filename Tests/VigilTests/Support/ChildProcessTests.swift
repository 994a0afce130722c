import Foundation
import TestSupport
import Testing

/// The tests' own process starter: what a child is given is what it gets.
@Suite struct ChildProcessTests {
    /// `FileHandle.nullDevice` (no descriptor in Foundation) becomes /dev/null, so a child
    /// that outlives its test cannot hold `swift test`'s output open.
    @Test func theNullDeviceIsDevNullAndNothingElseIsInherited() throws {
        let child = ChildProcess(URL(fileURLWithPath: "/bin/sleep"), ["30"])
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        defer { child.send(SIGKILL) }
        let fds = "/proc/\(child.processIdentifier)/fd"
        for target in ["1", "2"] {
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(fds)/\(target)") == "/dev/null")
        }
        // Only 0, 1 and 2: every other descriptor of the test process was closed in the child.
        let seen = try FileManager.default.contentsOfDirectory(atPath: fds).sorted()
        let targets = seen.map {
            "\($0) -> " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fds)/\($0)")) ?? "?")
        }
        #expect(seen == ["0", "1", "2"], "\(targets)")
    }

    @Test func exitStatusAndSignalAreReported() throws {
        let exits = ChildProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "exit 7"])
        try exits.run()
        exits.waitUntilExit()
        #expect(exits.terminationStatus == 7 && exits.terminationReason == .exit)
        let killed = ChildProcess(URL(fileURLWithPath: "/bin/sleep"), ["30"])
        try killed.run()
        killed.send(SIGTERM)
        killed.waitUntilExit()
        #expect(killed.terminationStatus == SIGTERM && killed.terminationReason == .uncaughtSignal)
    }
}
