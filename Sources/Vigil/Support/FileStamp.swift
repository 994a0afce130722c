import CFileStat

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

    init(_ info: vigil_file_stat) {
        size = Int(info.size)
        modified = info.modified_ns
    }

    /// The stamp of the file at `path` (following symbolic links); nil when it is gone.
    static func of(_ path: String) -> FileStamp? {
        var info = vigil_file_stat()
        guard vigil_stat(path, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// The stamp of the open file `descriptor`; nil (errno set) when it cannot be read.
    static func of(descriptor: Int32) -> FileStamp? {
        var info = vigil_file_stat()
        guard vigil_fstat(descriptor, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// The device and inode of the file at `path` (following symbolic links): the file
    /// itself, whatever path reached it; nil when it is gone.
    static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var info = vigil_file_stat()
        guard vigil_stat(path, &info) == 0 else { return nil }
        return (info.device, info.inode)
    }
}
