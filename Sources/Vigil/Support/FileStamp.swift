import Foundation

// The C `stat` struct's members come from the module that first defined it. With
// MemberImportVisibility, a release build (whole-module) finds that module to be
// CoreFoundation on Linux and refuses `st_ino` without this import; a debug build did not.
#if canImport(Glibc)
    import CoreFoundation
#endif

/// What `stat(2)` says of a file, without opening or reading it: its size and when it was
/// last modified (nanoseconds).
/// A run lists its inputs by these alone (no byte read before the first request); an input
/// whose stamp changed afterwards is caught when it is read to be sent.
struct FileStamp: Sendable, Equatable {
    var size: Int
    /// Last modification, in nanoseconds since 1970.
    var modified: Int64

    init(size: Int, modified: Int64) {
        self.size = size
        self.modified = modified
    }

    init(_ info: stat) {
        size = Int(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }

    /// The stamp of the file at `path` (following symbolic links); nil when it is gone.
    static func of(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// The stamp of the open file `descriptor`; nil (errno set) when it cannot be read.
    static func of(descriptor: Int32) -> FileStamp? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// The device and inode of the file at `path` (following symbolic links): the file
    /// itself, whatever path reached it; nil when it is gone.
    ///
    /// The only uses of the C `stat` struct are in this file: with some packages in the
    /// build (Hummingbird's, swift-otel's), its members became ambiguous elsewhere under
    /// MemberImportVisibility.
    static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}
