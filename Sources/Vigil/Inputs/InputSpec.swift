/// One source of items.
public enum InputSpec: Sendable, Equatable {
    /// Files matching `pattern` (relative to the job folder; `**` spans folders), minus `exclude`.
    case glob(pattern: String, exclude: [String], limit: Int?)
    /// One item per line of a JSON Lines file, identified by `idField` (or the line number).
    case jsonl(path: String, idField: String?, limit: Int?)
}
