import Foundation
import JSONSchema

/// `inputs.jsonl`: every item of a run with its path, size and sha256 (records: of their
/// canonical JSON), so a resume or a rerun can tell exactly which inputs changed.
enum InputsList {
    /// One item as the list records it.
    struct Entry: Equatable {
        var id: String
        var path: String?
        var size: Int
        var sha256: String

        /// Reads the item's bytes now (a file: all of it) to digest them.
        init(_ item: InputItem, folder: URL) {
            id = item.id
            path = item.path
            if let path = item.path {
                let url = PathResolver(folder: folder).url(path)
                size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
                sha256 = FileDigest.sha256(of: url) ?? ""
            } else {
                let text = Array((item.record ?? .null).jsonText(sortedKeys: true).utf8)
                size = text.count
                sha256 = FileDigest.sha256(of: text)
            }
        }

        init?(json: JSONValue) {
            guard let id = json["id"]?.stringValue, let sha = json["sha256"]?.stringValue else { return nil }
            self.id = id
            path = json["path"]?.stringValue
            size = json["size"]?.numberValue?.int64Value.map { Int(clamping: $0) } ?? 0
            sha256 = sha
        }

        func write(into writer: inout JSONWriter) {
            writer.beginObject()
            writer.key("id"); writer.string(id)
            if let path { writer.key("path"); writer.string(path) }
            writer.key("size"); writer.int(size)
            writer.key("sha256"); writer.string(sha256)
            writer.endObject()
            writer.newline()
        }

        /// `data/a/17.jpg` for a file, `record 17` for a JSON Lines record.
        var name: String { path ?? "record \(id)" }
    }

    /// Writes the list (streaming) and returns the item count and the list's own sha256
    /// (the manifest's input digest).
    /// With `only`, lists just those items (a retry of a run's failures).
    static func write(_ source: InputSource, only: Set<String>? = nil, to url: URL) throws -> (count: Int, sha256: String) {
        let file = try AppendOnlyFile(appendingTo: url)
        var writer = JSONWriter(capacity: 1 << 16)
        var items = source.makeIterator()
        var count = 0
        while let item = try items.next() {
            if let only, !only.contains(item.id) { continue }
            count += 1
            Entry(item, folder: source.folder).write(into: &writer)
            if writer.count > 1 << 15 {
                try file.write(writer.bytes)
                writer.removeAll()
            }
        }
        try file.write(writer.bytes)
        try file.sync()
        return (count, FileDigest.sha256(of: url) ?? "")
    }

    /// The entries of a run's list, in run order, read as they are asked for.
    struct Reader {
        let url: URL
        private var lines: JSONLinesReader?

        init(_ url: URL) {
            self.url = url
            lines = JSONLinesReader(url: url)
        }

        /// The next entry; nil at the end (an unterminated last line is not an entry: a
        /// crash tore it).
        mutating func next() throws(ManifestProblem) -> Entry? {
            guard var reader = lines else { throw ManifestProblem(url: url, problem: "cannot be read") }
            defer { lines = reader }
            while let line = reader.next() {
                if line.isEmpty { continue }
                guard let json = try? JSONParser().parse(line), let entry = Entry(json: json) else {
                    throw ManifestProblem(url: url, problem: "line \(reader.lineNumber) is not an item entry ({\"id\", \"sha256\", ...})")
                }
                return entry
            }
            return nil
        }
    }
}
