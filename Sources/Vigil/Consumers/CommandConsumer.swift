public import Foundation
public import Logging
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// `command`: runs a program for each selected event, with the event as JSON on its
/// standard input. Slow or failing programs never hold the run up: this consumer sits
/// behind a bounded buffer, and failures are logged, not fatal.
public struct CommandConsumer: AsyncEventConsumer {
    /// The program, its folder and its time limit (30 s per event).
    public let launch: CommandLaunch
    /// The event types it is run for (nil: all).
    public let eventTypes: Set<String>?
    /// Where a program that fails or cannot start is reported.
    public let logger: Logger
    /// `command [argv]`, in reports of dropped events.
    public var name: String { "command [\(launch.arguments.joined(separator: " "))]" }

    /// A consumer that runs `arguments` in `folder` for each selected event.
    public init(arguments: [String], folder: URL, eventTypes: Set<String>?, logger: Logger) {
        self.launch = CommandLaunch(arguments: arguments, folder: folder, timeout: .seconds(30))
        self.eventTypes = eventTypes
        self.logger = logger
    }

    /// Runs the program with the event (secrets masked) on its standard input.
    public func consume(_ event: RunEvent) async {
        guard !launch.arguments.isEmpty else { return }
        do {
            let result = try await Deadline.run(within: launch.timeout) { [launch] in
                try await Subprocess.run(
                    launch.executable, arguments: launch.programArguments, workingDirectory: launch.workingDirectory,
                    platformOptions: launch.teardown,
                    input: .fileDescriptor(
                        try CommandLaunch.standardInput(Redaction.masked(event.jsonText) + "\n"),
                        closeAfterSpawningProcess: true), output: .discarded, error: .string(limit: 1 << 14))
            }
            if !result.terminationStatus.isSuccess {
                logger.warning(
                    "consumer \(name) failed on \(event.type): \(result.terminationStatus)\(CommandLaunch.tail(result.standardError))"
                )
            }
        } catch {
            logger.warning("consumer \(name) could not run on \(event.type): \(error)")
        }
    }
}
