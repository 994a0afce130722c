import JSONSchema

/// YAML 1.2 core-schema resolution of plain scalars: only `true`/`false` (any case form
/// the spec lists) are booleans, `010` is ten, `on`/`no`/`yes` stay strings.
enum YAMLScalar {
    enum Resolved {
        case null
        case bool(Bool)
        case number(JSONNumber)
        case string(String)
        /// `.inf` or `.nan`: a YAML float JSON cannot hold.
        case nonFinite(String)
    }

    static func resolvePlain(_ text: String) -> Resolved {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
            return .nonFinite(text)
        default: break
        }
        if let number = number(text) { return .number(number) }
        return .string(text)
    }

    /// A core-schema integer or float (`12`, `-3.5e2`, `0x1F`, `0o17`, `.5`, `5.`), exactly.
    static func number(_ text: String) -> JSONNumber? {
        var bytes = Array(text.utf8)[...]
        guard let first = bytes.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".") || isDigit(first)
        else {
            return nil
        }
        if bytes.starts(with: "0x".utf8) || bytes.starts(with: "0o".utf8) {
            let radix = bytes[bytes.startIndex + 1] == UInt8(ascii: "x") ? 16 : 8
            guard bytes.count > 2,
                let value = UInt64(String(decoding: bytes.dropFirst(2), as: UTF8.self), radix: radix),
                let exact = Int64(exactly: value)
            else { return nil }
            return JSONNumber(exact)
        }
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var exponent = 0
        var sawDigit = false
        while let byte = bytes.first, isDigit(byte) {
            digits.append(byte - 48)
            sawDigit = true
            bytes = bytes.dropFirst()
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            while let byte = bytes.first, isDigit(byte) {
                digits.append(byte - 48)
                exponent -= 1
                sawDigit = true
                bytes = bytes.dropFirst()
            }
        }
        guard sawDigit else { return nil }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            var exponentText = String(decoding: bytes, as: UTF8.self)
            if exponentText.hasPrefix("+") { exponentText.removeFirst() }
            guard let written = Int(exponentText), abs(written) < 1_000_000_000 else { return nil }
            exponent += written
            bytes = []
        }
        guard bytes.isEmpty else { return nil }
        return JSONNumber(
            parsing: Array((negative ? "-" : "").utf8) + Array(digitsText(digits).utf8) + Array("e\(exponent)".utf8))
    }

    private static func digitsText(_ digits: [UInt8]) -> String {
        String(decoding: digits.map { $0 + 48 }, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
