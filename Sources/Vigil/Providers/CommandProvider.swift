public import Foundation
import JSONSchema
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// `provider: command, mode: per-item`: one process per item. The request goes to the
/// program's standard input as one JSON object; its standard output is the answer. A
/// non-zero exit, a crash or a timeout is a failure carrying the exit status and the end of
/// standard error.
public struct CommandProvider: ModelProvider {
    public let arguments: [String]
    public let environment: [String: String]
    public let folder: URL
    public let timeout: Duration

    public init(arguments: [String], environment: [String: String], folder: URL, timeout: Duration) {
        self.arguments = arguments
        self.environment = environment
        self.folder = folder
        self.timeout = timeout
    }

    public var description: String { "command [\(arguments.joined(separator: " "))] (per-item)" }

    static func executable(_ program: String, folder: URL) -> Executable {
        if program.hasPrefix("/") { return .path(FilePath(program)) }
        if program.contains("/") { return .path(FilePath(folder.appendingPathComponent(program).standardizedFileURL.path)) }
        return .name(program)
    }

    static func environmentUpdates(_ values: [String: String]) -> Environment {
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in values {
            if let key = Environment.Key(rawValue: key) { updates[key] = value }
        }
        return .inherit.updating(updates)
    }

    static var teardown: PlatformOptions {
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .milliseconds(500))]
        return options
    }

    public func answer(_ request: ItemRequest) async throws(ItemFailure) -> ProviderAnswer {
        let input = request.json.jsonText() + "\n"
        let program = arguments.first ?? ""
        let outcome: Result<ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>, any Error>
        do {
            outcome = .success(
                try await Deadline.run(within: timeout) { [arguments, folder, environment] in
                    try await Subprocess.run(
                        Self.executable(program, folder: folder), arguments: Arguments(Array(arguments.dropFirst())),
                        environment: Self.environmentUpdates(environment), workingDirectory: FilePath(folder.path),
                        platformOptions: Self.teardown, input: .string(input), output: .string(limit: 16 << 20), error: .string(limit: 1 << 16))
                })
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .failure(let error as DeadlineExceeded):
            throw ItemFailure(.timeout, "\(program) gave no answer within \(error.limit)")
        case .failure(let error):
            throw ItemFailure(.provider, "could not run \(program): \(error)")
        case .success(let result):
            let stderr = result.standardError
            switch result.terminationStatus {
            case .exited(0):
                return ProviderAnswer(text: result.standardOutput)
            case .exited(let code):
                throw ItemFailure(
                    .provider, "\(program) exited with status \(code)" + Self.tail(stderr),
                    detail: ["exit_status": .number(JSONNumber(Int(code))), "stderr": .string(String(stderr.suffix(4000)))])
            case .signaled(let signal):
                throw ItemFailure(
                    .provider, "\(program) was killed by signal \(signal)" + Self.tail(stderr),
                    detail: ["signal": .number(JSONNumber(Int(signal))), "stderr": .string(String(stderr.suffix(4000)))])
            }
        }
    }

    /// ": <last line of stderr>" for a message, when there is one.
    static func tail(_ stderr: String) -> String {
        guard let last = stderr.split(separator: "\n").last(where: { !$0.allSatisfy(\.isWhitespace) }) else { return "" }
        return ": " + String(last.prefix(300))
    }
}
