import JSONSchema

/// Writes a batch's input files: one JSON Lines request per item,
/// `{"custom_id", "method": "POST", "url": "/v1/chat/completions", "body"}`, split into a
/// new file before one would pass `maximumRequests` lines or `maximumBytes` bytes (OpenAI
/// takes 50,000 requests and 200 MB a file). The body is the one the live provider sends,
/// byte for byte (an image's base64 included), so a batch answers the same request.
public struct BatchFileBuilder: Sendable {
    /// One input file, ready to upload.
    public struct File: Sendable, Equatable {
        /// The JSON Lines bytes.
        public var bytes: [UInt8]
        /// The custom_ids in it, in order.
        public var customIDs: [String]
    }

    /// Lines per file at most.
    public let maximumRequests: Int
    /// Bytes per file at most.
    public let maximumBytes: Int
    private var current = File(bytes: [], customIDs: [])
    private var finished: [File] = []

    /// A builder with OpenAI's limits unless told otherwise.
    public init(maximumRequests: Int = 50_000, maximumBytes: Int = 200 << 20) {
        self.maximumRequests = max(1, maximumRequests)
        self.maximumBytes = max(1, maximumBytes)
    }

    /// Adds the request `body` (a chat-completions JSON body) under `customID`. A single
    /// request larger than `maximumBytes` is refused: no file could carry it.
    public mutating func add(customID: String, body: [UInt8]) throws(BatchError) {
        var line: [UInt8] = []
        line += Array(#"{"custom_id":"#.utf8)
        line += JSONText.quoted(customID)
        line += Array(#","method":"POST","url":"/v1/chat/completions","body":"#.utf8)
        line += body
        line += Array("}\n".utf8)
        guard line.count <= maximumBytes else {
            throw BatchError(
                "the request for \(customID) is \(line.count) bytes, more than a batch file may hold (\(maximumBytes)); send it live"
            )
        }
        if !current.customIDs.isEmpty
            && (current.customIDs.count == maximumRequests || current.bytes.count + line.count > maximumBytes)
        {
            finished.append(current)
            current = File(bytes: [], customIDs: [])
        }
        current.bytes += line
        current.customIDs.append(customID)
    }

    /// The files that are full (a later request did not fit), taken from the builder: each
    /// can be uploaded while the rest is still being written.
    public mutating func takeFull() -> [File] {
        defer { finished.removeAll() }
        return finished
    }

    /// The files, the last one included.
    public mutating func files() -> [File] {
        if !current.customIDs.isEmpty {
            finished.append(current)
            current = File(bytes: [], customIDs: [])
        }
        return finished
    }
}

/// A JSON string's bytes, quoted and escaped.
enum JSONText {
    static func quoted(_ text: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.string(text)
        return writer.bytes
    }
}
