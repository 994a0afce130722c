import Foundation
import TestSupport

/// Paths and processes the tests share: the repository, the built `vigil` binary, temporary
/// folders, and running a real program to completion.
enum TestEnvironment {
    static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `vigil` executable SwiftPM built beside the test bundle.
    static let vigil: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("vigil")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repository.appendingPathComponent(".build/debug/vigil")
    }()

    /// A new empty folder under the system's temporary directory.
    static func temporaryFolder(_ label: String = "vigil-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of jobs/ in a new temporary folder, so runs do not write into the repository
    /// (the demo's runs go to `<copy>/runs`, beside `<copy>/jobs`).
    static func jobsCopy() throws -> URL {
        let folder = try temporaryFolder("vigil-jobs")
        let copy = folder.appendingPathComponent("jobs")
        try FileManager.default.copyItem(at: repository.appendingPathComponent("jobs"), to: copy)
        return copy
    }

    /// Runs the demo in `jobs` (a `jobsCopy()`) and returns its run folder.
    static func runDemo(in jobs: URL) throws -> URL {
        let runs = jobs.deletingLastPathComponent().appendingPathComponent("runs/demo-dwc")
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? [])
        let outcome = try run(vigil, ["run", "demo.yaml", "--quiet"], currentDirectory: jobs)
        guard outcome.status == 0 else {
            throw TestFailure("the demo ended with status \(outcome.status): \(outcome.standardError)")
        }
        guard
            let name = try FileManager.default.contentsOfDirectory(atPath: runs.path).first(where: {
                !$0.hasPrefix(".") && !before.contains($0)
            })
        else {
            throw TestFailure("the demo left no run folder in \(runs.path)")
        }
        return runs.appendingPathComponent(name)
    }

    /// Starts `vigil` with `arguments` (and `environment` over this process's), its output
    /// discarded; the caller waits for it or kills it.
    /// `standardError`: a file its errors go to (for a test that says them when it fails), or none.
    static func start(_ arguments: [String], environment: [String: String] = [:], standardError: URL? = nil) throws
        -> ChildProcess
    {
        let process = ChildProcess()
        process.executableURL = vigil
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        if let standardError {
            FileManager.default.createFile(atPath: standardError.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: standardError)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    struct Outcome: Sendable {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs `executable` with `arguments` and waits; output is collected while it runs (so a
    /// chatty program cannot block on a full pipe). A program that has not ended, with its
    /// output closed, after `timeout` seconds is killed and the test fails with what it printed:
    /// no wait holds the suite.
    static func run(
        _ executable: URL, _ arguments: [String], currentDirectory: URL? = nil, environment: [String: String]? = nil,
        timeout: TimeInterval = Waiting.patience
    ) throws -> Outcome {
        let process = ChildProcess()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let output = OutputCollector()
        let error = OutputCollector()
        process.standardOutput = output.pipe
        process.standardError = error.pipe
        try process.run()
        output.start()
        error.start()
        let deadline = Date().addingTimeInterval(timeout)
        func ended() -> Bool { !process.isRunning && output.isClosed && error.isClosed }
        while !ended() && Date() < deadline { usleep(10_000) }
        if !ended() {
            process.send(SIGKILL)
            let grace = Date().addingTimeInterval(5)
            while !ended() && Date() < grace { usleep(10_000) }
            let what = "\(executable.lastPathComponent) \(arguments.joined(separator: " "))"
            throw TestFailure(
                "\(what) did not end within \(Int(timeout)) s and was killed"
                    + (process.isRunning
                        ? " (its end was still not seen: a program it started may hold its descriptors)" : "")
                    + "; it printed: \(output.text.suffix(2000)) \(error.text.suffix(2000))")
        }
        return Outcome(status: process.terminationStatus, standardOutput: output.text, standardError: error.text)
    }

    /// A pipe read to its end on a thread of its own; what was read so far can be seen at any time.
    final class OutputCollector: @unchecked Sendable {  // `data` and `closed` only under `lock`
        let pipe = Pipe()
        private let lock = NSLock()
        private var data = Data()
        private var closed = false

        /// Starts reading; called once the process runs.
        func start() {
            let handle = pipe.fileHandleForReading
            do {
                try OwnThread.start { [self] in
                    while true {
                        let chunk = handle.availableData
                        lock.withLock { if chunk.isEmpty { closed = true } else { data.append(chunk) } }
                        if chunk.isEmpty { return }
                    }
                }
            } catch {
                // Said in the output, and the pipe counts as read: the caller's wait ends.
                lock.withLock {
                    data.append(contentsOf: Array("(the output could not be read: \(error))".utf8))
                    closed = true
                }
            }
        }

        var isClosed: Bool { lock.withLock { closed } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    /// Runs a program found on PATH (`python3`, ...).
    static func run(program: String, _ arguments: [String]) throws -> Outcome {
        try run(URL(fileURLWithPath: "/usr/bin/env"), [program] + arguments)
    }
}
