public import JSONSchema

/// The columns of an export, and a result flattened to them: `id`, `path`, then the result's
/// fields. A nested object's fields become dotted names (`location.country`); an array is
/// one cell holding its JSON text. The fields come in the success schema's property order
/// (nested ones in place), then any the schema does not name in the order they were first
/// seen; `--fields` picks and orders them instead.
public struct ExportColumns: Sendable, Equatable {
    /// The result fields, in order (without `id` and `path`).
    public private(set) var fields: [String]
    private var known: Set<String>

    /// The columns the success schema declares, in its order (none when it lists no properties).
    public init(schema: JSONValue?) {
        fields = []
        known = []
        if let schema { declare(schema, prefix: "") }
    }

    /// Exactly these fields, in this order.
    public init(fields: [String]) {
        self.fields = fields
        known = Set(fields)
    }

    private mutating func declare(_ schema: JSONValue, prefix: String) {
        for (name, property) in schema["properties"]?.objectValue ?? JSONObject() {
            let column = prefix + name
            // An object whose properties are listed is flattened; anything else is one column.
            if property["properties"]?.objectValue?.isEmpty == false {
                declare(property, prefix: column + ".")
            } else {
                add(column)
            }
        }
    }

    private mutating func add(_ column: String) {
        if known.insert(column).inserted { fields.append(column) }
    }

    /// Adds the fields of a result not seen before, at the end, in the order they come.
    public mutating func discover(_ result: JSONValue) {
        for (column, _) in Self.flatten(result) { add(column) }
    }

    /// A result as (column, cell value) pairs: nested objects flattened to dotted names, in
    /// the result's own order.
    public static func flatten(_ result: JSONValue, prefix: String = "") -> [(String, JSONValue)] {
        guard case .object(let members) = result else { return prefix.isEmpty ? [] : [(prefix, result)] }
        var cells: [(String, JSONValue)] = []
        for (name, value) in members {
            let column = prefix.isEmpty ? name : prefix + "." + name
            if case .object(let inner) = value, !inner.isEmpty {
                cells += flatten(value, prefix: column)
            } else {
                cells.append((column, value))
            }
        }
        return cells
    }

    /// A cell's text: a string as it is, a number or an array or object as JSON, a boolean
    /// as `true` or `false`, null or a missing field as empty.
    public static func text(_ value: JSONValue?) -> String {
        switch value {
        case .none, .null?: ""
        case .string(let text)?: text
        case .bool(let flag)?: flag ? "true" : "false"
        case let other?: other.jsonText()
        }
    }
}
