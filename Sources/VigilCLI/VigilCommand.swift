import ArgumentParser
import Foundation
import Logging
import Vigil

/// `vigil`: the command line over the Vigil library.
@main
struct VigilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract:
            "Run long, expensive per-item jobs safely: refuse a wrong job up front, stop a failing run early, leave a reproducible manifest.",
        version: VigilVersion.current,
        subcommands: [
            RunCommand.self, ResumeCommand.self, CancelCommand.self, EventsCommand.self, WatchCommand.self,
            ReportCommand.self, ServeCommand.self, CacheCommand.self, CoordinatorCommand.self, MergeCommand.self,
            RerunCommand.self, ExportCommand.self, ScoreCommand.self,
            DiffCommand.self, ValidateCommand.self, PinCommand.self, PlanCommand.self, SchemaCommand.self,
        ]
    )

    /// Parses and runs, mapping a usage error to exit code 2 (the documented code for
    /// "invalid job or usage") instead of ArgumentParser's 64.
    static func main() async {
        // First: without /proc, the runtime's thread pool stops the process at a random moment.
        ProcMount.require()
        MemoryTuning.apply()
        // A program that exits while Vigil writes to it (a persistent worker that dies, a
        // pipe closed early) must be an error for that item, not the end of the run.
        signal(SIGPIPE, SIG_IGN)
        LoggingSystem.bootstrap { label in RedactingLogHandler(wrapped: StreamLogHandler.standardError(label: label)) }
        do {
            var command = try parseAsRoot(ProcessArguments.current)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as any ExitStatusError {
            // The one place a command's outcome becomes an exit status.
            if failure.exitStatus != .success || !failure.description.isEmpty {
                if !failure.description.isEmpty {
                    Console.error((failure.exitStatus == .success ? "" : "error: ") + failure.description)
                }
            }
            Foundation.exit(failure.exitStatus.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.error(fullMessage(for: error))
                Foundation.exit(ExitStatus.invalidJobOrUsage.rawValue)
            }
            exit(withError: error)
        }
    }
}
