import Foundation
import JSONSchema

/// `results.jsonl` and `failed.jsonl`: one line per item, appended and written through as
/// soon as the item ends.
struct RunOutputs: Sendable {
    let results: AppendOnlyFile
    let failed: AppendOnlyFile

    init(folder: RunFolder) throws {
        results = try AppendOnlyFile(appendingTo: folder.results)
        failed = try AppendOnlyFile(appendingTo: folder.failed)
    }

    func recordSuccess(_ item: InputItem, attempts: Int, latency: Double, result: JSONValue, usage: TokenUsage) throws {
        try results.write(Self.line(item, attempts: attempts, latency: latency, usage: usage) { writer in
            writer.key("result"); writer.value(result)
        })
    }

    func recordFailure(_ item: InputItem, attempts: Int, latency: Double, failure: ItemFailure, usage: TokenUsage) throws {
        try failed.write(Self.line(item, attempts: attempts, latency: latency, usage: usage) { writer in
            writer.key("error"); writer.string(failure.kind.rawValue)
            writer.key("message"); writer.string(failure.message)
            if let detail = failure.detail { writer.key("detail"); writer.value(detail) }
        })
    }

    /// `{"id", "path", "attempts", "latency_ms", "usage"?, ...}` and a newline.
    private static func line(_ item: InputItem, attempts: Int, latency: Double, usage: TokenUsage, _ rest: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("id"); writer.string(item.id)
        if let path = item.path { writer.key("path"); writer.string(path) }
        writer.key("attempts"); writer.int(attempts)
        writer.key("latency_ms"); writer.double((latency * 10).rounded() / 10)
        if !usage.isEmpty { writer.key("usage"); writer.value(usage.json) }
        rest(&writer)
        writer.endObject()
        writer.newline()
        return writer.bytes
    }

    func sync() {
        try? results.sync()
        try? failed.sync()
    }
}

/// `inputs.jsonl`: every item of the run with its path, size and sha256 (records: of their
/// canonical JSON), so a rerun can tell exactly which inputs changed.
enum InputsList {
    /// Writes the list (streaming) and returns the item count and the list's own sha256
    /// (the manifest's input digest).
    static func write(_ source: InputSource, to url: URL) throws -> (count: Int, sha256: String) {
        let folder = source.folder
        let file = try AppendOnlyFile(appendingTo: url)
        var writer = JSONWriter(capacity: 1 << 16)
        var items = source.makeIterator()
        var count = 0
        while let item = try items.next() {
            count += 1
            writer.beginObject()
            writer.key("id"); writer.string(item.id)
            if let path = item.path {
                let url = folder.appendingPathComponent(path)
                let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
                writer.key("path"); writer.string(path)
                writer.key("size"); writer.int(size)
                writer.key("sha256"); writer.string(FileDigest.sha256(of: url) ?? "")
            } else if let record = item.record {
                let text = Array(record.jsonText(sortedKeys: true).utf8)
                writer.key("size"); writer.int(text.count)
                writer.key("sha256"); writer.string(FileDigest.sha256(of: text))
            }
            writer.endObject()
            writer.newline()
            if writer.count > 1 << 15 {
                try file.write(writer.bytes)
                writer.removeAll()
            }
        }
        try file.write(writer.bytes)
        try file.sync()
        return (count, FileDigest.sha256(of: url) ?? "")
    }
}
