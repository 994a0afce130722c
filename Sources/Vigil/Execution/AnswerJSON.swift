import Foundation
public import JSONSchema

/// Finds the JSON object in a model's answer: the answer itself, the inside of a
/// ```json fence, or the first balanced `{...}` with prose around it.
public enum AnswerJSON {
    /// The JSON value in a model's answer: the whole text, a ```json fence, or the first balanced object in prose.
    public static func extract(_ text: String) -> JSONValue? {
        let trimmed = text.trimmingWhitespace()
        if let value = try? JSONParser().parse(trimmed) { return value }
        if let fenced = fencedBlock(in: trimmed), let value = try? JSONParser().parse(fenced.trimmingWhitespace()) {
            return value
        }
        if let object = firstObject(in: trimmed), let value = try? JSONParser().parse(object) { return value }
        return nil
    }

    /// The content of the first ``` fence (with or without a language tag).
    static func fencedBlock(in text: String) -> String? {
        guard let open = text.range(of: "```") else { return nil }
        var rest = text[open.upperBound...]
        if let newline = rest.firstIndex(of: "\n") { rest = rest[rest.index(after: newline)...] }
        guard let close = rest.range(of: "```") else { return nil }
        return String(rest[..<close.lowerBound])
    }

    /// The first `{` and its matching `}`, respecting strings and escapes.
    static func firstObject(in text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let start = bytes.firstIndex(of: UInt8(ascii: "{")) else { return nil }
        var depth = 0
        var inString = false
        var escaped = false
        for index in start..<bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return String(decoding: bytes[start...index], as: UTF8.self) }
            default: break
            }
        }
        return nil
    }
}
