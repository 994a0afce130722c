public import Foundation

/// The one rule for a path written in a job: absolute as written (`/scratch/runs`),
/// `~` and `~/...` in the user's home folder, anything else relative to the job's folder.
/// Every path of a job (inputs, globs, prompt, success schema, output folder) and every
/// item path goes through it.
public struct PathResolver: Sendable, Equatable {
    /// Where relative paths start: the job file's folder.
    public let folder: URL
    /// The folder `~` stands for.
    public let home: String

    /// A resolver for a job in `folder`; `home` defaults to `$HOME`.
    public init(folder: URL, home: String? = nil) {
        self.folder = folder
        self.home =
            home ?? ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    /// The file or folder a job names.
    public func url(_ written: String) -> URL {
        let expanded = expandingHome(written)
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL }
        return folder.appendingPathComponent(expanded).standardizedFileURL
    }

    /// `~` or `~/rest` with the home folder in place of `~`; anything else as written.
    /// (`~user` is not expanded: it is rare in job files and would need the user database.)
    public func expandingHome(_ written: String) -> String {
        if written == "~" { return home }
        if written.hasPrefix("~/") {
            return (home.hasSuffix("/") ? String(home.dropLast()) : home) + written.dropFirst()
        }
        return written
    }
}
