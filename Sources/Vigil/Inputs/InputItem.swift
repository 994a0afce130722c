public import JSONSchema

/// One unit of work: a file (from a glob) or a record (from a JSON Lines file).
public struct InputItem: Sendable, Equatable {
    /// Unique within the job: the file's path relative to the job folder, or the record's
    /// `id_field` value (or `line-N` without one).
    public var id: String
    /// The file, relative to the job folder (for file items).
    public var path: String?
    /// The record (for JSON Lines items).
    public var record: JSONValue?

    /// An item: a file (`path`, relative to the job's folder) or a JSON Lines record.
    public init(id: String, path: String?, record: JSONValue?) {
        self.id = id
        self.path = path
        self.record = record
    }
}
