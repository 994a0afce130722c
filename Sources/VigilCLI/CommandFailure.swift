import Vigil

/// How a command ends early: what to print (nothing when it was printed already, such as
/// diagnostics) and the exit status. Wraps a library error with the command's context
/// (`cannot resume runs/x: ...`) and keeps that error's status.
struct CommandFailure: ExitStatusError {
    var message: String
    var exitStatus: ExitStatus

    init(_ message: String, _ status: ExitStatus) {
        self.message = message
        self.exitStatus = status
    }

    /// Ends with `status` and prints nothing more (what went wrong is on the screen).
    static func exit(_ status: ExitStatus) -> CommandFailure { CommandFailure("", status) }

    /// `context: error`, with the error's own status (an unknown error is Vigil's own failure).
    init(_ context: String, _ error: any Error) {
        message = context.isEmpty ? "\(error)" : "\(context): \(error)"
        exitStatus = (error as? any ExitStatusError)?.exitStatus ?? .internalError
    }

    var description: String { message }

    /// Runs `body`, putting `context` in front of any error it throws.
    static func context<T>(_ context: String, _ body: () async throws -> T) async throws(CommandFailure) -> T {
        do {
            return try await body()
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(context, error)
        }
    }
}
