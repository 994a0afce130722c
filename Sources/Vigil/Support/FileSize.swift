import Foundation

/// A file's size from `stat(2)`, without opening or reading it.
enum FileSize {
    /// The size in bytes of the file at `path` (following symbolic links); nil when it
    /// cannot be stat'ed.
    static func of(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }
}
