public import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// How a job's program is started: argv, extra environment, the job's folder as working
/// directory, and a per-answer time limit. Shared by both command provider modes and the
/// command consumer.
public struct CommandLaunch: Sendable {
    /// The program and its arguments, as the job wrote them.
    public let arguments: [String]
    /// Variables added to the program's environment.
    public let environment: [String: String]
    /// Where it runs (the job's folder).
    public let folder: URL
    /// How long one answer may take.
    public let timeout: Duration
    /// The program to start: a path (relative to the job folder), or a name looked up on
    /// PATH once, here. Given a name, swift-subprocess tries to start it in each PATH folder
    /// until one works: with this machine's PATH that was 8 failed spawns an item, most of
    /// what `mode: per-item` cost beyond the program itself.
    let executable: Executable

    /// A launch; the program is looked up on PATH once, here.
    public init(arguments: [String], environment: [String: String] = [:], folder: URL, timeout: Duration) {
        self.arguments = arguments
        self.environment = environment
        self.folder = folder
        self.timeout = timeout
        let program = arguments.first ?? ""
        if program.hasPrefix("/") {
            executable = .path(FilePath(program))
        } else if program.contains("/") {
            executable = .path(FilePath(folder.appendingPathComponent(program).standardizedFileURL.path))
        } else if let found = ProgramSearch.find(
            program, path: environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"], workingFolder: folder)
        {
            executable = .path(FilePath(found))
        } else {
            // Not found now: the start fails with swift-subprocess's own error, per item.
            executable = .name(program)
        }
    }

    /// The program as written.
    public var program: String { arguments.first ?? "" }

    var programArguments: Arguments { Arguments(Array(arguments.dropFirst())) }

    var workingDirectory: FilePath { FilePath(folder.path) }

    var environmentUpdates: Environment {
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment {
            if let key = Environment.Key(rawValue: key) { updates[key] = value }
        }
        return .inherit.updating(updates)
    }

    /// On cancellation: SIGTERM, then SIGKILL half a second later.
    var teardown: PlatformOptions {
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .milliseconds(500))]
        return options
    }

    /// A program's standard input holding `text`: an unlinked temporary file, read from its
    /// start. Not a pipe: swift-subprocess 1.0.2 writes a string input through a pipe and,
    /// when the program exits without reading it all (a crash at start, a program that
    /// ignores its input), the failed write ends the whole process (SIGPIPE, or a fatal
    /// error for a descriptor it never closes). A file cannot fail that way. The
    /// descriptor is closed once the program has started (`.fileDescriptor(_, closeAfterSpawningProcess: true)`).
    /// The largest answer kept, in bytes: a program's standard output (one-shot) or one line
    /// (persistent). An answer is a JSON record; more is a program printing something else,
    /// and memory must not grow with it.
    static let answerLimit = 16 << 20

    static func standardInput(_ text: String) throws -> FileDescriptor {
        var template = Array((NSTemporaryDirectory() + "/vigil-stdin-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [
                    NSLocalizedDescriptionKey: "cannot create a temporary file for a program's input: errno \(errno)"
                ])
        }
        unlink(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        let file = FileDescriptor(rawValue: descriptor)
        do {
            _ = try file.writeAll(Array(text.utf8))
            _ = try file.seek(offset: 0, from: .start)
        } catch {
            try? file.close()
            throw error
        }
        return file
    }

    /// ": <last line of stderr>" for a message, when there is one.
    static func tail(_ stderr: String) -> String {
        guard let last = stderr.split(separator: "\n").last(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            return ""
        }
        return ": " + String(last.prefix(300))
    }
}
