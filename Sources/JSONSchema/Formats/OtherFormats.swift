/// The small formats: `uuid`, `json-pointer`, `relative-json-pointer`, `regex`, `uri-template`.
enum OtherFormats {
    static func isUUID(_ string: String) -> Bool {
        let bytes = Array(string.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard URIFormat.isHex(Unicode.Scalar(byte)) else { return false }
            }
        }
        return true
    }

    static func isJSONPointer(_ string: String) -> Bool {
        guard string.isEmpty || string.hasPrefix("/") else { return false }
        let scalars = Array(string.unicodeScalars)
        for (index, scalar) in scalars.enumerated() where scalar == "~" {
            guard index + 1 < scalars.count, scalars[index + 1] == "0" || scalars[index + 1] == "1" else {
                return false
            }
        }
        return true
    }

    static func isRelativeJSONPointer(_ string: String) -> Bool {
        let scalars = Array(string.unicodeScalars)
        var index = 0
        while index < scalars.count, URIFormat.isDigit(scalars[index]) { index += 1 }
        guard index > 0, !(index > 1 && scalars[0] == "0") else { return false }
        let rest = String(String.UnicodeScalarView(scalars[index...]))
        return rest == "#" || isJSONPointer(rest)
    }

    static func isRegex(_ string: String) -> Bool {
        (try? ECMARegex(string)) != nil
    }

    /// RFC 6570 level-4 templates: literals and `{[op]var[:n|*],...}` expressions.
    static func isURITemplate(_ string: String) -> Bool {
        let scalars = Array(string.unicodeScalars)
        var index = 0
        let forbidden: Set<Unicode.Scalar> = Set(" \"<>\\^`|}".unicodeScalars)
        while index < scalars.count {
            let s = scalars[index]
            if s == "{" {
                guard let close = scalars[index...].firstIndex(of: "}"), isExpression(scalars[(index + 1)..<close])
                else { return false }
                index = close + 1
                continue
            }
            if s == "%" {
                guard index + 2 < scalars.count, URIFormat.isHex(scalars[index + 1]),
                    URIFormat.isHex(scalars[index + 2])
                else { return false }
                index += 3
                continue
            }
            guard s.value > 0x20, s.value != 0x7F, !forbidden.contains(s) else { return false }
            index += 1
        }
        return true
    }

    private static func isExpression(_ body: ArraySlice<Unicode.Scalar>) -> Bool {
        var body = body
        if let first = body.first, "+#./;?&".unicodeScalars.contains(first) { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        for varspec in body.split(separator: ",", omittingEmptySubsequences: false) {
            var name = varspec
            if name.last == "*" {
                name = name.dropLast()
            } else if let colon = name.firstIndex(of: ":") {
                let length = name[(colon + 1)...]
                guard (1...4).contains(length.count), length.first != "0", length.allSatisfy(URIFormat.isDigit) else {
                    return false
                }
                name = name[..<colon]
            }
            guard isVariableName(name) else { return false }
        }
        return true
    }

    private static func isVariableName(_ name: ArraySlice<Unicode.Scalar>) -> Bool {
        guard !name.isEmpty, name.first != ".", name.last != "." else { return false }
        var index = name.startIndex
        var previousDot = false
        while index < name.endIndex {
            let s = name[index]
            if s == "%" {
                guard index + 2 < name.endIndex, URIFormat.isHex(name[index + 1]), URIFormat.isHex(name[index + 2])
                else { return false }
                index += 3
                previousDot = false
                continue
            }
            if s == "." {
                if previousDot { return false }
                previousDot = true
            } else {
                guard URIFormat.isAlpha(s) || URIFormat.isDigit(s) || s == "_" else { return false }
                previousDot = false
            }
            index += 1
        }
        return true
    }
}
