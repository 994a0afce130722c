import Foundation
import JSONSchema

/// `results.jsonl` and `failed.jsonl`: one line per item, appended and written through as
/// soon as the item ends. A results line holds only what the item produced (no timing, no
/// attempt count: those are in the event log), so a deterministic job rerun gives the same
/// bytes.
struct RunOutputs: Sendable {
    let results: AppendOnlyFile
    let failed: AppendOnlyFile

    init(folder: RunFolder) throws {
        results = try AppendOnlyFile(appendingTo: folder.results)
        failed = try AppendOnlyFile(appendingTo: folder.failed)
    }

    /// `{"id", "path"?, "sha256"?, "sent"?, "usage"?, "cost"?, "result"}` and a newline.
    func recordSuccess(
        _ item: InputItem, sha256: String?, sent: SentImage?, result: JSONValue, usage: TokenUsage, spend: Spend?
    ) throws {
        try results.write(
            Self.line(item, sha256: sha256, sent: sent, usage: usage, spend: spend) { writer in
                writer.key("result")
                writer.value(result)
            })
    }

    /// `{"id", "path"?, "sha256"?, "sent"?, "usage"?, "cost"?, "attempts", "error", "message", "detail"?}` and a newline.
    func recordFailure(
        _ item: InputItem, sha256: String?, sent: SentImage?, attempts: Int, failure: ItemFailure, usage: TokenUsage,
        spend: Spend?
    ) throws {
        try failed.write(
            Self.line(item, sha256: sha256, sent: sent, usage: usage, spend: spend) { writer in
                writer.key("attempts")
                writer.int(attempts)
                writer.key("error")
                writer.string(failure.kind.rawValue)
                writer.key("message")
                writer.string(failure.message)
                if let detail = failure.detail {
                    writer.key("detail")
                    writer.value(detail)
                }
            })
    }

    private static func line(
        _ item: InputItem, sha256: String?, sent: SentImage?, usage: TokenUsage, spend: Spend?,
        _ rest: (inout JSONWriter) -> Void
    ) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("id")
        writer.string(item.id)
        if let path = item.path {
            writer.key("path")
            writer.string(path)
        }
        // The input as it was sent: a rerun or a diff tells a changed input by this.
        if let sha256 {
            writer.key("sha256")
            writer.string(sha256)
        }
        // What the model was shown of an image: the bytes as sent, converted or not.
        if let sent {
            writer.key("sent")
            writer.value(sent.json)
        }
        if !usage.isEmpty {
            writer.key("usage")
            writer.value(usage.json)
        }
        if let spend {
            writer.key("cost")
            writer.value(spend.json)
        }
        rest(&writer)
        writer.endObject()
        writer.newline()
        return writer.bytes
    }

    func sync() throws {
        try results.sync()
        try failed.sync()
    }
}
