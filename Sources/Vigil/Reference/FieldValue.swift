public import JSONSchema

extension JSONValue {
    /// The value of an answer's field: a top-level key as written (it may hold dots), else a
    /// dotted path into nested objects (`location.country`). Nil when there is none.
    public func field(_ name: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        if let value = object[name] { return value }
        guard name.contains(".") else { return nil }
        var current: JSONValue? = self
        for part in name.split(separator: ".", omittingEmptySubsequences: false) {
            current = current?.objectValue?[String(part)]
            if current == nil { return nil }
        }
        return current
    }

    /// Filled: not null, "" (or only whitespace), [] or {}. A false or a zero is a value.
    public var isFilled: Bool {
        switch self {
        case .null: false
        case .string(let text): !text.allSatisfy(\.isWhitespace)
        case .array(let elements): !elements.isEmpty
        case .object(let members): !members.isEmpty
        case .bool, .number: true
        }
    }
}
