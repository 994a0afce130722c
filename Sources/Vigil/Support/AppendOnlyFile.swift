public import Foundation

/// An append-only file written with `write(2)`: each call reaches the file (the OS's page
/// cache) at once, so another process reading it sees whole lines, and a crash of Vigil
/// loses nothing already written. Used for events.jsonl, results.jsonl and failed.jsonl.
public final class AppendOnlyFile: Sendable {
    /// The file's path, for the messages of a write that failed.
    public let path: String
    private let descriptor: Int32

    /// Opens (creating) the file for appending.
    public init(appendingTo url: URL) throws {
        path = url.path
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileError("open", url.path)
        }
    }

    deinit { close(descriptor) }

    /// Writes the bytes (secrets masked).
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Writes the bytes, with any secret masked (see `Redaction`).
    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard buffer.count > 0 else { return }
        if let masked = Redaction.masked(buffer) {
            try masked.withUnsafeBytes { try writeAll($0) }
        } else {
            try writeAll(buffer)
        }
    }

    private func writeAll(_ buffer: UnsafeRawBufferPointer) throws {
        do {
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw FileError("write", path)
                }
                offset += written
            }
        }
    }

    /// Forces the data to the disk (at the end of a run, and at checkpoints).
    public func sync() throws {
        if fsync(descriptor) != 0 {
            throw FileError("sync", path)
        }
    }
}
