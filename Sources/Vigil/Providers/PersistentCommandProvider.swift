import Foundation
import JSONSchema
import Subprocess
import Synchronization

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// `provider: command, mode: persistent`: one long-lived program speaking JSON lines.
/// Each request is a line `{"id", "path" | "record", "prompt", "attempt"}`; each answer a
/// line `{"id", "result"}` (or `{"id", "error"}`), in any order. If the program dies it is
/// started again, and the items it held fail as `provider` failures, which are retried.
public final class PersistentCommandProvider: ModelProvider {
    /// The worker to start (again, when it dies).
    public let launch: CommandLaunch
    private let state = Mutex(State())

    private struct State: ~Copyable {
        var pending: [String: CheckedContinuation<ProviderAnswer, any Error>] = [:]
        /// Lines for the current worker; nil between workers (lines wait in `queued`).
        var outgoing: AsyncStream<String>.Continuation?
        var queued: [String] = []
        var restarts = 0
    }

    /// A provider that keeps one worker for the run.
    public init(_ launch: CommandLaunch) {
        self.launch = launch
    }

    /// `command [argv] (persistent)`.
    public var description: String { "command [\(launch.arguments.joined(separator: " "))] (persistent)" }
    /// The program is given the path and reads the file itself.
    public var readsInputFiles: Bool { true }

    /// Keeps a worker running until cancelled, restarting it when it exits.
    public func run() async throws {
        let program = launch.program
        while !Task.isCancelled {
            let (lines, continuation) = AsyncStream<String>.makeStream()
            state.withLock { state in
                state.outgoing = continuation
                for line in state.queued { continuation.yield(line) }
                state.queued = []
            }
            var ending: (any Error)?
            do {
                _ = try await Subprocess.run(
                    launch.executable, arguments: launch.programArguments, environment: launch.environmentUpdates,
                    workingDirectory: launch.workingDirectory, platformOptions: launch.teardown, input: .inputWriter,
                    output: .sequence,
                    error: .discarded
                ) { execution in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await line in lines { _ = try await execution.standardInputWriter.write(line) }
                            try await execution.standardInputWriter.finish()
                        }
                        group.addTask {
                            let answers = execution.standardOutput.strings(
                                bufferingPolicy: .maxLineLength(CommandLaunch.answerLimit))
                            for try await line in answers { self.receive(line) }
                        }
                        // The reader ends when the worker closes its output (it exited).
                        _ = try await group.next()
                        group.cancelAll()
                    }
                }
            } catch {
                ending = error
            }
            let orphans = state.withLock { state -> [CheckedContinuation<ProviderAnswer, any Error>] in
                state.outgoing = nil
                state.restarts += 1
                let orphans = Array(state.pending.values)
                state.pending = [:]
                return orphans
            }
            continuation.finish()
            let reason: String
            if let error = ending as? SubprocessError, error.code == .outputLimitExceeded {
                // Which item the line was for cannot be known: every item in flight fails (and is retried).
                reason =
                    "the worker \(program) wrote a line longer than \(ByteCount.text(CommandLaunch.answerLimit)), the limit for one answer; "
                    + "it was stopped and restarted, and the items it was answering failed"
            } else {
                reason = "the worker \(program) exited while answering; it was restarted"
            }
            for orphan in orphans { orphan.resume(throwing: ItemFailure(.provider, reason)) }
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    private func receive(_ line: String) {
        guard let value = try? JSONParser().parse(line), let id = value["id"]?.stringValue else { return }
        guard let continuation = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
        if case .string(let message)? = value["error"] {
            continuation.resume(throwing: ItemFailure(.provider, "the worker reported: \(message)"))
        } else if case .string(let text)? = value["result"] {
            continuation.resume(returning: ProviderAnswer(text: text))
        } else {
            continuation.resume(returning: ProviderAnswer(text: (value["result"] ?? .null).jsonText()))
        }
    }

    /// Sends the request to the worker and waits for its line with the same id.
    public func answer(_ request: ItemRequest) async throws(ItemFailure) -> ProviderAnswer {
        let id = request.item.id
        let line = request.json.jsonText() + "\n"
        do {
            return try await Deadline.run(within: launch.timeout) {
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { continuation in
                        self.state.withLock { state in
                            state.pending[id] = continuation
                            if let outgoing = state.outgoing { outgoing.yield(line) } else { state.queued.append(line) }
                        }
                    }
                } onCancel: {
                    self.state.withLock { $0.pending.removeValue(forKey: id) }?.resume(throwing: CancellationError())
                }
            }
        } catch let failure as ItemFailure {
            throw failure
        } catch is DeadlineExceeded {
            state.withLock { $0.pending.removeValue(forKey: id) }?.resume(throwing: CancellationError())
            throw ItemFailure(.timeout, "the worker gave no answer within \(launch.timeout)")
        } catch {
            throw ItemFailure(.provider, "\(error)")
        }
    }
}
