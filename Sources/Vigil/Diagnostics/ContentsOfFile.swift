import Foundation

/// Reads a whole file, with an error that says which file and why.
enum ContentsOfFile {
    struct ReadError: Error, CustomStringConvertible {
        var path: String
        var description: String { "cannot read \(path) (missing, a folder, or no permission)" }
    }

    static func read(_ path: String) throws(ReadError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ReadError(path: path) }
        return Array(data)
    }
}
