/// Vigil's exit codes; part of the contract, documented in docs/exit-codes-and-diagnostics.md.
public enum ExitStatus: Int32, Sendable {
    /// The command did what was asked and everything checked was valid.
    case success = 0
    /// `vigil schema validate`: at least one instance did not validate (or was not JSON);
    /// `vigil diff`: the two runs differ; `vigil score`: the agreement is below the minimum.
    case invalidInstances = 1
    /// The job, a schema, a run folder or the command line is wrong; nothing was run.
    case invalidJobOrUsage = 2
    /// `vigil run`: a threshold (or a consumer) aborted the run.
    case aborted = 3
    /// `vigil run`: stopped by a signal, an outage or a full disk; resumable.
    case interrupted = 4
    /// `vigil run`: every item was tried and none succeeded.
    case noSuccess = 5
    /// Vigil itself failed (cannot create the run folder, a bug). A run folder that stops
    /// taking writes mid-run is `interrupted`: the run can be resumed.
    case internalError = 6
    /// `vigil resume`, `vigil rerun`, `--retry-failed`: something the run pinned (job,
    /// prompt, schema, inputs, model, Vigil version) has drifted; nothing was run.
    case drift = 7
}

/// An error that knows how the command that met it ends (Hummingbird's
/// `HTTPResponseError` carries its status the same way): the CLI has one catch, which
/// prints the error and exits with its status, instead of a ladder of catches per command.
public protocol ExitStatusError: Error, CustomStringConvertible {
    var exitStatus: ExitStatus { get }
}

extension FileError: ExitStatusError {
    /// A file Vigil needs cannot be written or read: Vigil could not do its work.
    public var exitStatus: ExitStatus { .internalError }
}
