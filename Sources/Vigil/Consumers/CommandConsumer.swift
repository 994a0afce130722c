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
    public let arguments: [String]
    public let folder: URL
    public let eventTypes: Set<String>?
    public let logger: Logger
    public var name: String { "command [\(arguments.joined(separator: " "))]" }

    public init(arguments: [String], folder: URL, eventTypes: Set<String>?, logger: Logger) {
        self.arguments = arguments
        self.folder = folder
        self.eventTypes = eventTypes
        self.logger = logger
    }

    public func consume(_ event: RunEvent) async {
        guard let program = arguments.first else { return }
        do {
            let result = try await Deadline.run(within: .seconds(30)) { [arguments, folder] in
                try await Subprocess.run(
                    CommandProvider.executable(program, folder: folder), arguments: Arguments(Array(arguments.dropFirst())),
                    workingDirectory: FilePath(folder.path), platformOptions: CommandProvider.teardown,
                    input: .string(event.jsonText + "\n"), output: .discarded, error: .string(limit: 1 << 14))
            }
            if !result.terminationStatus.isSuccess {
                logger.warning("consumer \(name) failed on \(event.type): \(result.terminationStatus)\(CommandProvider.tail(result.standardError))")
            }
        } catch {
            logger.warning("consumer \(name) could not run on \(event.type): \(error)")
        }
    }
}
