public import Foundation
import JSONSchema
import Synchronization

/// `batches.jsonl` in the run folder: which items went into which uploaded file, and which
/// batch runs each file, written (and forced to the disk) before anything waits on them. A
/// resume reads it to re-attach to the batches still running instead of sending their
/// items again: every item is paid for once.
///
/// Lines, in order of writing:
/// - `{"type":"file","file":ID,"at":T,"items":[{"custom_id","id","path"?,"sha256"?,"sent"?,"reserved"?}]}`
///   after the upload, before the batch is created;
/// - `{"type":"batch","file":ID,"batch":ID,"at":T}` once the endpoint created the batch;
/// - `{"type":"cancel","batch":ID,"at":T}` when Vigil asked the endpoint to cancel it;
/// - `{"type":"ended","batch":ID,"state":S,"at":T}` once every line of its output was
///   recorded (and what it did not run was sent again or failed).
public final class BatchJournal: Sendable {
    /// One request in an uploaded file.
    public struct Entry: Sendable, Equatable {
        /// The request's `custom_id` (`vigil-N`: the item's place in inputs.jsonl).
        public var customID: String
        /// The item this request asks about (its answer is recorded under this id).
        public var id: String
        /// The item's file, as listed.
        public var path: String?
        /// Of the bytes sent.
        public var sha256: String?
        /// What the model is shown of an image input (its line records it).
        public var sent: SentImage?
        /// What the budget holds for it until its answer is recorded.
        public var reserved: SpendLedger.Amount?

        /// One request in an uploaded file: which item, the bytes it sends, what the budget holds for it.
        public init(
            customID: String, id: String, path: String?, sha256: String?, sent: SentImage? = nil,
            reserved: SpendLedger.Amount? = nil
        ) {
            self.customID = customID
            self.id = id
            self.path = path
            self.sha256 = sha256
            self.sent = sent
            self.reserved = reserved
        }
    }

    /// One uploaded file and the batch that runs it (if one was created).
    public struct UploadedFile: Sendable, Equatable {
        /// The endpoint's file id.
        public var file: String
        /// The file's requests, in file order.
        public var entries: [Entry]
        /// When it was uploaded.
        public var uploadedAt: Double
        /// The batch over it (nil: the process stopped between the upload and the batch).
        public var batch: String?
        /// Its final state, once it ended and its answers were recorded.
        public var ended: String?
        /// Vigil asked the endpoint to cancel it.
        public var cancelRequested = false
    }

    /// What the file says, in the order files were uploaded.
    public var files: [UploadedFile] { state.withLock { $0.files } }
    private struct State {
        var files: [UploadedFile] = []
        /// How many files each item id is in.
        var submissions: [String: Int] = [:]

        mutating func add(_ file: UploadedFile) {
            files.append(file)
            for entry in file.entries { submissions[entry.id, default: 0] += 1 }
        }
    }
    private let state: Mutex<State>
    private let file: AppendOnlyFile
    /// `batches.jsonl` in the run folder.
    public let url: URL

    /// Opens the journal of a run folder (repairing a torn last line), creating it if needed.
    public init(url: URL) throws {
        var read = State()
        try AppendedLines.read(url, repair: true) { line, number in
            let at = line["at"]?.numberValue?.doubleValue ?? 0
            switch line["type"]?.stringValue {
            case "file":
                guard let id = line["file"]?.stringValue, let items = line["items"]?.arrayValue else {
                    throw AppendedLines.Damaged(url: url, line: number, problem: "a file line without file or items")
                }
                let entries = items.compactMap { item -> Entry? in
                    guard let customID = item["custom_id"]?.stringValue, let id = item["id"]?.stringValue else {
                        return nil
                    }
                    let reserved = item["reserved"].flatMap { value in
                        Dollars(json: value["usd"]).map {
                            SpendLedger.Amount(
                                cost: $0, tokens: value["tokens"]?.numberValue?.int64Value.map { Int($0) } ?? 0)
                        }
                    }
                    return Entry(
                        customID: customID, id: id, path: item["path"]?.stringValue,
                        sha256: item["sha256"]?.stringValue, sent: SentImage(json: item["sent"]), reserved: reserved)
                }
                read.add(UploadedFile(file: id, entries: entries, uploadedAt: at))
            case "batch":
                guard let id = line["file"]?.stringValue, let batch = line["batch"]?.stringValue,
                    let index = read.files.lastIndex(where: { $0.file == id })
                else {
                    throw AppendedLines.Damaged(
                        url: url, line: number, problem: "a batch line for a file no earlier line uploaded")
                }
                read.files[index].batch = batch
            case "cancel", "ended":
                guard let batch = line["batch"]?.stringValue,
                    let index = read.files.lastIndex(where: { $0.batch == batch })
                else {
                    throw AppendedLines.Damaged(
                        url: url, line: number, problem: "a line for a batch no earlier line created")
                }
                if line["type"] == "cancel" {
                    read.files[index].cancelRequested = true
                } else {
                    read.files[index].ended = line["state"]?.stringValue ?? "ended"
                }
            default:
                throw AppendedLines.Damaged(url: url, line: number, problem: "not a batches.jsonl line")
            }
        }
        self.url = url
        state = Mutex(read)
        file = try AppendOnlyFile(appendingTo: url)
    }

    /// Files whose batch has not ended (or was never created).
    public var open: [UploadedFile] { files.filter { $0.ended == nil } }

    /// How many files an item was put in (its batch attempts).
    public func submissions(of id: String) -> Int {
        state.withLock { $0.submissions[id] ?? 0 }
    }

    /// Records an uploaded file's requests (before its batch is created).
    public func recordUpload(file id: String, entries: [Entry]) throws {
        let at = Timestamp.now()
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("type")
        writer.string("file")
        writer.field("file")
        writer.string(id)
        writer.field("at")
        writer.double(at)
        writer.field("items")
        writer.beginArray()
        for entry in entries {
            writer.beginObject()
            writer.field("custom_id")
            writer.string(entry.customID)
            writer.field("id")
            writer.string(entry.id)
            if let path = entry.path {
                writer.field("path")
                writer.string(path)
            }
            if let sha256 = entry.sha256 {
                writer.field("sha256")
                writer.string(sha256)
            }
            if let sent = entry.sent {
                writer.field("sent")
                writer.value(sent.json)
            }
            if let reserved = entry.reserved {
                writer.field("reserved")
                var amount = JSONObject()
                amount["usd"] = reserved.cost.json
                amount["tokens"] = .number(JSONNumber(reserved.tokens))
                writer.value(.object(amount))
            }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        try append(writer)
        state.withLock { $0.add(UploadedFile(file: id, entries: entries, uploadedAt: at)) }
    }

    /// Records the batch the endpoint created over `file`.
    public func recordBatch(_ batch: String, file id: String) throws {
        try append(line("batch", ["file": .string(id), "batch": .string(batch)]))
        state.withLock { state in
            if let index = state.files.lastIndex(where: { $0.file == id }) { state.files[index].batch = batch }
        }
    }

    /// Records that Vigil asked the endpoint to cancel `batch`.
    public func recordCancel(_ batch: String) throws {
        try append(line("cancel", ["batch": .string(batch)]))
        update(batch) { $0.cancelRequested = true }
    }

    /// Records that `batch` ended in `state` and all it answered is recorded.
    public func recordEnded(_ batch: String, state ended: String) throws {
        try append(line("ended", ["batch": .string(batch), "state": .string(ended)]))
        update(batch) { $0.ended = ended }
    }

    private func update(_ batch: String, _ change: (inout UploadedFile) -> Void) {
        state.withLock { state in
            if let index = state.files.lastIndex(where: { $0.batch == batch }) { change(&state.files[index]) }
        }
    }

    private func line(_ type: String, _ fields: [String: JSONValue]) -> JSONObject {
        var object = JSONObject()
        object["type"] = .string(type)
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) { object[key] = value }
        object["at"] = .number(JSONNumber(Timestamp.now()))
        return object
    }

    private func append(_ object: JSONObject) throws {
        var writer = JSONWriter()
        writer.value(.object(object))
        try append(writer)
    }

    /// One line, forced to the disk: nothing waits on a batch the folder does not name.
    private func append(_ writer: borrowing JSONWriter) throws {
        var bytes = writer.bytes
        bytes.append(0x0A)
        try file.write(bytes)
        try file.sync()
    }
}
