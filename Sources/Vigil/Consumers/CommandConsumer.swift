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
    public let launch: CommandLaunch
    public let eventTypes: Set<String>?
    public let logger: Logger
    public var name: String { "command [\(launch.arguments.joined(separator: " "))]" }

    public init(arguments: [String], folder: URL, eventTypes: Set<String>?, logger: Logger) {
        self.launch = CommandLaunch(arguments: arguments, folder: folder, timeout: .seconds(30))
        self.eventTypes = eventTypes
        self.logger = logger
    }

    public func consume(_ event: RunEvent) async {
        guard !launch.arguments.isEmpty else { return }
        do {
            let result = try await Deadline.run(within: launch.timeout) { [launch] in
                try await Subprocess.run(
                    launch.executable, arguments: launch.programArguments, workingDirectory: launch.workingDirectory,
                    platformOptions: launch.teardown, input: .string(Redaction.masked(event.jsonText) + "\n"), output: .discarded, error: .string(limit: 1 << 14))
            }
            if !result.terminationStatus.isSuccess {
                logger.warning("consumer \(name) failed on \(event.type): \(result.terminationStatus)\(CommandLaunch.tail(result.standardError))")
            }
        } catch {
            logger.warning("consumer \(name) could not run on \(event.type): \(error)")
        }
    }
}
