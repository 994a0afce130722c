import Foundation

/// Reads a whole file that Vigil holds in memory (a prompt, a schema, an instance), refused
/// from `stat` before a byte is read when it is larger than such a file can sensibly be.
enum ContentsOfFile {
    /// The largest prompt or schema read: a prompt goes with every request, and a schema a
    /// person writes is kilobytes. Far past both, and far below what hurts a machine.
    static let documentLimit = 8 << 20
    /// The largest instance `vigil schema validate` reads (a JSON Lines file of samples).
    static let instanceLimit = 256 << 20

    struct ReadError: Error, CustomStringConvertible {
        var path: String
        /// Set when the file was refused for its size.
        var size: Int?
        var limit: Int

        var description: String {
            if let size {
                return
                    "\(path) is \(ByteCount.text(size)); the limit for this file is \(ByteCount.text(limit)). Is it the right file?"
            }
            return "cannot read \(path) (missing, a folder, or no permission)"
        }
    }

    static func read(_ path: String, maximumSize: Int = documentLimit) throws(ReadError) -> [UInt8] {
        if let size = FileStamp.of(path)?.size, size > maximumSize {
            throw ReadError(path: path, size: size, limit: maximumSize)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(path: path, limit: maximumSize)
        }
        guard data.count <= maximumSize else { throw ReadError(path: path, size: data.count, limit: maximumSize) }
        return Array(data)
    }
}
