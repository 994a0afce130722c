import Foundation
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
    /// The program to start for each item.
    public let launch: CommandLaunch

    /// A provider that starts `launch` per item.
    public init(_ launch: CommandLaunch) {
        self.launch = launch
    }

    /// `command [argv] (per-item)`.
    public var description: String { "command [\(launch.arguments.joined(separator: " "))] (per-item)" }
    /// The program is given the path and reads the file itself.
    public var readsInputFiles: Bool { true }

    /// Starts the program with the request on standard input; its standard output is the answer.
    public func answer(_ request: ItemRequest) async throws(ItemFailure) -> ProviderAnswer {
        let input = request.json.jsonText() + "\n"
        let program = launch.program
        let outcome: Result<ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>, any Error>
        do {
            outcome = .success(
                try await Deadline.run(within: launch.timeout) { [launch] in
                    try await Subprocess.run(
                        launch.executable, arguments: launch.programArguments, environment: launch.environmentUpdates,
                        workingDirectory: launch.workingDirectory, platformOptions: launch.teardown,
                        input: .fileDescriptor(try CommandLaunch.standardInput(input), closeAfterSpawningProcess: true),
                        output: .string(limit: CommandLaunch.answerLimit), error: .string(limit: 1 << 16))
                })
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .failure(let error as SubprocessError) where error.code == .outputLimitExceeded:
            throw ItemFailure(
                .provider,
                "\(program) wrote more than \(ByteCount.text(CommandLaunch.answerLimit)) to its standard output, the limit for one answer; "
                    + "it was stopped. An answer is the JSON the prompt asks for: is the program printing its input or a log there?",
                isRetryable: false)
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
                    .provider, "\(program) exited with status \(code)" + CommandLaunch.tail(stderr),
                    detail: [
                        "exit_status": .number(JSONNumber(Int(code))), "stderr": .string(String(stderr.suffix(4000))),
                    ])
            case .signaled(let signal):
                throw ItemFailure(
                    .provider, "\(program) was killed by signal \(signal)" + CommandLaunch.tail(stderr),
                    detail: [
                        "signal": .number(JSONNumber(Int(signal))), "stderr": .string(String(stderr.suffix(4000))),
                    ])
            }
        }
    }
}
