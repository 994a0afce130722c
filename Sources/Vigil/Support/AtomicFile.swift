public import Foundation

/// Writes a file so that readers see the old content or the new, never a torn mix: write
/// a temporary file beside it, fsync, rename over the original.
public enum AtomicFile {
    /// Writes `data` (with any secret masked, see `Redaction`) in place of the file at `url`.
    public static func write(_ data: Data, to url: URL) throws {
        let data = data.withUnsafeBytes { Redaction.masked($0) }.map { Data($0) } ?? data
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw FileError("create", temporary.path) }
        var written = 0
        let failure = data.withUnsafeBytes { buffer -> FileError? in
            while written < buffer.count {
                let result = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 && errno == EINTR { continue }
                if result <= 0 { return FileError("write", temporary.path) }
                written += result
            }
            return fsync(descriptor) == 0 ? nil : FileError("sync", temporary.path)
        }
        close(descriptor)
        // Keep the original's permissions (a job file may be read-only for others).
        if let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            let permissions = attributes[.posixPermissions]
        {
            try? FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary.path)
        }
        if let failure {
            unlink(temporary.path)
            throw failure
        }
        guard rename(temporary.path, url.path) == 0 else {
            let failure = FileError("replace", url.path)
            unlink(temporary.path)
            throw failure
        }
    }
}
