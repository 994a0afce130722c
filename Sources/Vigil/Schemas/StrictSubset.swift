public import JSONSchema

/// The subset of JSON Schema that OpenAI-compatible servers enforce with `strict: true`
/// (OpenAI's Structured Outputs; vLLM and llama.cpp accept the same): an object at the
/// root, every object closed (`additionalProperties: false`) with every property required,
/// and only the keywords below. A schema outside it is sent with `strict: false` (the
/// server then only steers), and Vigil validates every answer either way.
public enum StrictSubset {
    /// Keywords a strict schema may use.
    public static let allowedKeywords: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "$ref", "$defs",
        "definitions",
        "description", "title", "$schema", "$id", "$comment",
    ]

    /// Where a schema leaves the subset.
    public struct Departure: Sendable, Equatable {
        /// A JSON Pointer into the schema.
        public var pointer: String
        /// The keyword, or the rule, at fault.
        public var keyword: String
        /// What the subset wants instead.
        public var message: String
    }

    /// Every place `schema` leaves the subset, in document order (none: it is strict).
    public static func departures(in schema: JSONValue) -> [Departure] {
        var found: [Departure] = []
        if schema["type"] != "object" {
            found.append(Departure(pointer: "", keyword: "type", message: "the root must be {\"type\": \"object\"}"))
        }
        visit(schema, at: "", into: &found)
        return found
    }

    private static func visit(_ schema: JSONValue, at pointer: String, into found: inout [Departure]) {
        guard let object = schema.objectValue else { return }
        for (keyword, _) in object where !allowedKeywords.contains(keyword) {
            found.append(
                Departure(
                    pointer: pointer + "/" + JSONPointer.escape(keyword), keyword: keyword,
                    message: "\"\(keyword)\" is not in the strict subset"))
        }
        if object["type"] == "object" && object["properties"] == nil {
            found.append(
                Departure(pointer: pointer, keyword: "properties", message: "an object must list its properties"))
        }
        if let properties = object["properties"]?.objectValue {
            if object["additionalProperties"] != .bool(false) {
                found.append(
                    Departure(
                        pointer: pointer, keyword: "additionalProperties",
                        message: "an object must say \"additionalProperties\": false"))
            }
            let required = Set(object["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let optional = properties.map(\.key).filter { !required.contains($0) }
            if !optional.isEmpty {
                found.append(
                    Departure(
                        pointer: pointer + "/required", keyword: "required",
                        message:
                            "every property must be required (optional ones take \"type\": [..., \"null\"]); not required: \(optional.prefix(5).joined(separator: ", "))\(optional.count > 5 ? ", ... (\(optional.count) in all)" : "")"
                    ))
            }
            for (name, child) in properties {
                visit(child, at: pointer + "/properties/" + JSONPointer.escape(name), into: &found)
            }
        }
        for key in ["$defs", "definitions"] {
            for (name, child) in object[key]?.objectValue ?? JSONObject() {
                visit(child, at: pointer + "/\(key)/" + JSONPointer.escape(name), into: &found)
            }
        }
        if let items = object["items"] { visit(items, at: pointer + "/items", into: &found) }
        for (index, branch) in (object["anyOf"]?.arrayValue ?? []).enumerated() {
            visit(branch, at: pointer + "/anyOf/\(index)", into: &found)
        }
    }
}
