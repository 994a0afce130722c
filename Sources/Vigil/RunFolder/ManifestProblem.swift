public import Foundation
import JSONSchema

/// A manifest that cannot be read back: says which file and which field.
public struct ManifestProblem: Error, CustomStringConvertible {
    /// The manifest (or list of inputs) that cannot be read.
    public let url: URL
    /// What is wrong or missing.
    public let problem: String
    /// `PATH: problem`.
    public var description: String { "\(url.path): \(problem)" }
}

extension ManifestProblem: ExitStatusError {
    /// A run folder's manifest or list is not what Vigil wrote: the user's to mend.
    public var exitStatus: ExitStatus { .invalidJobOrUsage }
}
