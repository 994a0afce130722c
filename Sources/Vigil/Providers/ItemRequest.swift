public import Foundation
public import JSONSchema

/// What a provider receives for one item.
public struct ItemRequest: Sendable {
    /// The item to ask about: its id, and its file or record.
    public var item: InputItem
    /// The item's file, absolute (file items).
    public var fileURL: URL?
    /// The prompt file's text, as pinned.
    public var prompt: String
    /// 1 for the first attempt.
    public var attempt: Int
    /// The file's bytes as the engine read them for this attempt (their sha256 is what
    /// the run records): a provider that sends bytes sends these, never reads the file.
    public var content: [UInt8]?

    /// A request for one attempt.
    public init(item: InputItem, fileURL: URL?, prompt: String, attempt: Int, content: [UInt8]? = nil) {
        self.item = item
        self.fileURL = fileURL
        self.prompt = prompt
        self.attempt = attempt
        self.content = content
    }

    /// The request as the command provider sends it: `{"id", "path" | "record", "prompt", "attempt"}`.
    public var json: JSONValue {
        var object = JSONObject()
        object["id"] = .string(item.id)
        if let fileURL { object["path"] = .string(fileURL.path) }
        if let record = item.record { object["record"] = record }
        object["prompt"] = .string(prompt)
        object["attempt"] = .number(JSONNumber(attempt))
        return .object(object)
    }
}
