import Crypto
import Foundation
import JSONSchema

/// `inputs.jsonl`: the frozen list of a run's items, in run order, taken when the run is
/// set up by listing and `stat` only: a file with its size and modification time, a JSON
/// Lines record with the sha256 of its canonical JSON (it is in memory already). No input
/// file is read to make it, so the first request does not wait for the inputs' total
/// bytes; a file's sha256 is taken from the read that sends it and recorded on the item's
/// line in results.jsonl or failed.jsonl. It is the item loop's source (`FrozenItems`).
enum InputsList {
    /// One item as the list records it.
    struct Entry: Equatable {
        var id: String
        var path: String?
        var size: Int
        /// A file's modification time in nanoseconds (absent in lists written by earlier
        /// builds, which read and hashed every file instead).
        var modified: Int64?
        /// A record's sha256 (of its canonical JSON); a file's only in older lists.
        var sha256: String?

        /// Lists the item: a file by `stat`, a record by its canonical JSON.
        init(_ item: InputItem, paths: PathResolver) {
            id = item.id
            path = item.path
            if let path = item.path {
                let stamp = FileStamp.of(paths.url(path).path)
                size = stamp?.size ?? 0
                modified = stamp?.modified ?? 0
                sha256 = nil
            } else {
                let digest = (item.record ?? .null).canonicalDigest
                size = digest.size
                modified = nil
                sha256 = digest.sha256
            }
        }

        init(id: String, path: String?, size: Int, modified: Int64?, sha256: String?) {
            self.id = id
            self.path = path
            self.size = size
            self.modified = modified
            self.sha256 = sha256
        }

        init?(json: JSONValue) {
            guard let id = json["id"]?.stringValue else { return nil }
            self.id = id
            path = json["path"]?.stringValue
            size = json["size"]?.numberValue?.int64Value.map { Int(clamping: $0) } ?? 0
            modified = json["modified_ns"]?.numberValue?.int64Value
            sha256 = json["sha256"]?.stringValue
            guard sha256 != nil || modified != nil else { return nil }
        }

        /// The file's stamp as listed (nil for a record, or a list from before stamps).
        var stamp: FileStamp? { modified.map { FileStamp(size: size, modified: $0) } }

        func write(into writer: inout JSONWriter) {
            writer.beginObject()
            writer.key("id")
            writer.string(id)
            if let path {
                writer.key("path")
                writer.string(path)
            }
            writer.key("size")
            writer.int(size)
            if let modified {
                writer.key("modified_ns")
                writer.int(Int(modified))
            }
            if let sha256 {
                writer.key("sha256")
                writer.string(sha256)
            }
            writer.endObject()
            writer.newline()
        }

        /// What identifies the item in the manifest's input digest: id, path, size and a
        /// record's sha256, not the modification time (a clone of the same files on
        /// another machine lists the same set).
        var identity: String { "\(id)\t\(path ?? "")\t\(size)\t\(sha256 ?? "")\n" }

        /// `data/a/17.jpg` for a file, `record 17` for a JSON Lines record.
        var name: String { path ?? "record \(id)" }
    }

    /// Writes the list (streaming) and returns the item count and the digest of the
    /// items' identities (the manifest's `inputs.sha256`).
    /// With `only`, lists just those items (a retry of a run's failures).
    /// - Parameters:
    ///   - only: the items of a retry of failures (nil: all).
    ///   - shard: the items of one shard (nil: all); the whole set's digest is computed too.
    static func write(_ source: InputSource, only: Set<String>? = nil, shard: Shard? = nil, to url: URL) throws -> (
        count: Int, sha256: String, wholeSHA256: String
    ) {
        let file = try AppendOnlyFile(appendingTo: url)
        var writer = JSONWriter(capacity: 1 << 16)
        var items = source.makeIterator()
        var count = 0
        var digest = SHA256()
        var whole = SHA256()
        let paths = source.paths
        while let item = try items.next() {
            if let only, !only.contains(item.id) { continue }
            let entry = Entry(item, paths: paths)
            if shard != nil { whole.update(data: Data(entry.identity.utf8)) }
            if let shard, !shard.contains(item.id) { continue }
            count += 1
            entry.write(into: &writer)
            digest.update(data: Data(entry.identity.utf8))
            if writer.count > 1 << 15 {
                try file.write(writer.bytes)
                writer.removeAll()
            }
        }
        try file.write(writer.bytes)
        try file.sync()
        let listed = FileDigest.hex(digest.finalize())
        return (count, listed, shard == nil ? listed : FileDigest.hex(whole.finalize()))
    }

    /// The entries of a run's list, in run order, read as they are asked for.
    struct Reader {
        let url: URL
        private var lines: JSONLinesReader?

        init(_ url: URL) {
            self.url = url
            lines = JSONLinesReader(url: url, maximumLineLength: JSONLinesReader.runFolderLineLimit)
        }

        /// The next entry; nil at the end (an unterminated last line is not an entry: a
        /// crash tore it).
        mutating func next() throws(ManifestProblem) -> Entry? {
            guard var reader = lines else { throw ManifestProblem(url: url, problem: "cannot be read") }
            defer { lines = reader }
            while let line = try reader.next(refusingLongLines: {
                ManifestProblem(url: url, problem: $0.message + "; an item entry is a short line")
            }) {
                if line.isEmpty { continue }
                if let entry = Entry(fastLine: line) { return entry }
                guard let json = try? JSONParser().parse(line), let entry = Entry(json: json) else {
                    throw ManifestProblem(
                        url: url,
                        problem:
                            "line \(reader.lineNumber) is not an item entry ({\"id\", \"size\", \"modified_ns\" or \"sha256\", ...})"
                    )
                }
                return entry
            }
            return nil
        }
    }
}
