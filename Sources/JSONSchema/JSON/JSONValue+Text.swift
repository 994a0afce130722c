extension JSONValue {
    /// Compact JSON text, keys in their written order (or sorted, for stable output).
    public func jsonText(sortedKeys: Bool = false) -> String {
        var output = ""
        write(to: &output, sortedKeys: sortedKeys)
        return output
    }

    func write(to output: inout String, sortedKeys: Bool) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let number): output += number.description
        case .string(let string): Self.writeQuoted(string, to: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.write(to: &output, sortedKeys: sortedKeys)
            }
            output += "]"
        case .object(let object):
            output += "{"
            let entries = sortedKeys ? object.sorted { $0.key < $1.key } : Array(object)
            for (index, entry) in entries.enumerated() {
                if index > 0 { output += "," }
                Self.writeQuoted(entry.key, to: &output)
                output += ":"
                entry.value.write(to: &output, sortedKeys: sortedKeys)
            }
            output += "}"
        }
    }

    static func writeQuoted(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// A short rendering for messages: strings quoted, long values cut.
    public var abbreviated: String {
        let text = jsonText()
        guard text.count > 60 else { return text }
        return String(text.prefix(57)) + "..."
    }
}
