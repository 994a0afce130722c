public import JSONSchema

/// One source of items.
public enum InputSpec: Sendable, Equatable {
    /// Files matching `pattern` (relative to the job folder; `**` spans folders), minus `exclude`.
    case glob(pattern: String, exclude: [String], limit: Int?)
    /// One item per line of a JSON Lines file, identified by `idField` (or the line number).
    case jsonl(path: String, idField: String?, limit: Int?)
}

extension InputSpec {
    /// The input an entry of `inputs` describes, when its shape is right (the job schema
    /// reports it otherwise); the one decoder of input entries, for validation and the job.
    /// A `limit` below 1 is the schema's to report; here it is ignored.
    public init?(json value: JSONValue) {
        let limit = value["limit"]?.numberValue?.int64Value.map { Int(clamping: $0) }.flatMap { $0 >= 1 ? $0 : nil }
        if case .string(let pattern)? = value["glob"], value["jsonl"] == nil {
            self = .glob(
                pattern: pattern, exclude: value["exclude"]?.arrayValue?.compactMap(\.stringValue) ?? [], limit: limit)
        } else if case .string(let path)? = value["jsonl"], value["glob"] == nil {
            self = .jsonl(path: path, idField: value["id_field"]?.stringValue, limit: limit)
        } else {
            return nil
        }
    }
}
