import Foundation

/// A file operation the system refused: what was tried, on which file, and the system's
/// reason (`cannot write /runs/x/events.jsonl: No space left on device`).
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// "open", "write", "sync", "rename to", "truncate".
    public var action: String
    /// The file that could not be read or written, as a path to show.
    public var path: String
    /// The `errno` the call left.
    public var code: Int32

    init(_ action: String, _ path: String, code: Int32 = errno) {
        self.action = action
        self.path = path
        self.code = code
    }

    /// The system's reason (`strerror`).
    public var reason: String { String(cString: strerror(code)) }

    /// `cannot ACTION PATH: reason`.
    public var description: String { "cannot \(action) \(path): \(reason)" }
}
