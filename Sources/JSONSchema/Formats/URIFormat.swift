/// RFC 3986 URIs and URI references, and their RFC 3987 IRI forms (which also allow
/// non-ASCII characters), checked component by component against the ABNF.
enum URIFormat {
    static func isValid(_ string: String, requiresScheme: Bool, allowsUnicode: Bool) -> Bool {
        var rest = Array(string.unicodeScalars)[...]
        var fragment: ArraySlice<Unicode.Scalar>? = nil
        var query: ArraySlice<Unicode.Scalar>? = nil
        if let hash = rest.firstIndex(of: "#") {
            fragment = rest[(hash + 1)...]
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: "?") {
            query = rest[(question + 1)...]
            rest = rest[..<question]
        }
        var hasScheme = false
        if let colon = rest.firstIndex(of: ":"), let first = rest.first, isAlpha(first),
            rest[..<colon].allSatisfy({ isAlpha($0) || isDigit($0) || $0 == "+" || $0 == "-" || $0 == "." })
        {
            hasScheme = true
            rest = rest[(colon + 1)...]
        }
        if requiresScheme && !hasScheme { return false }
        if rest.starts(with: ["/", "/"]) {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            guard isAuthority(rest[..<end], allowsUnicode) else { return false }
            rest = rest[end...]
        } else if !hasScheme, let firstSegmentEnd = rest.firstIndex(of: "/") ?? Optional(rest.endIndex),
            rest[..<firstSegmentEnd].contains(":")
        {
            // A relative reference's first segment may not contain ':' (it would read as a scheme).
            return false
        }
        guard isSequence(rest, allowsUnicode, extra: "/") else { return false }
        if let query, !isSequence(query, allowsUnicode, extra: "/?", allowsPrivateUse: true) { return false }
        if let fragment, !isSequence(fragment, allowsUnicode, extra: "/?") { return false }
        return true
    }

    static func isAlpha(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) }
    static func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
    static func isHex(_ s: Unicode.Scalar) -> Bool { isDigit(s) || ("a"..."f").contains(s) || ("A"..."F").contains(s) }
    static let subDelims: Set<Unicode.Scalar> = Set("!$&'()*+,;=".unicodeScalars)

    static func isUnreserved(_ s: Unicode.Scalar, _ allowsUnicode: Bool) -> Bool {
        isAlpha(s) || isDigit(s) || s == "-" || s == "." || s == "_" || s == "~" || (allowsUnicode && isUCSChar(s))
    }

    static func isUCSChar(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0xA0 && !(0xE000...0xF8FF).contains(s.value) && s.value < 0xF0000
            && !s.properties.isNoncharacterCodePoint
    }

    static func isPrivateUse(_ s: Unicode.Scalar) -> Bool {
        (0xE000...0xF8FF).contains(s.value) || (0xF0000...0x10FFFD).contains(s.value)
    }

    /// pchar sequences plus `extra` characters, with `%XX` escapes checked.
    static func isSequence(
        _ scalars: ArraySlice<Unicode.Scalar>, _ allowsUnicode: Bool, extra: String, also: String = ":@",
        allowsPrivateUse: Bool = false
    ) -> Bool {
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let s = scalars[index]
            if s == "%" {
                guard index + 2 < scalars.endIndex + 0 || index + 2 <= scalars.endIndex - 1,
                    index + 2 < scalars.endIndex, isHex(scalars[index + 1]), isHex(scalars[index + 2])
                else { return false }
                index += 3
                continue
            }
            let allowed =
                isUnreserved(s, allowsUnicode) || subDelims.contains(s) || also.unicodeScalars.contains(s)
                || extra.unicodeScalars.contains(s) || (allowsUnicode && allowsPrivateUse && isPrivateUse(s))
            guard allowed else { return false }
            index += 1
        }
        return true
    }

    private static func isAuthority(_ authority: ArraySlice<Unicode.Scalar>, _ allowsUnicode: Bool) -> Bool {
        var host = authority
        if let at = authority.firstIndex(of: "@") {
            guard isSequence(authority[..<at], allowsUnicode, extra: "", also: ":") else { return false }
            host = authority[(at + 1)...]
        }
        if host.first == "[" {
            guard let close = host.firstIndex(of: "]") else { return false }
            let literal = String(String.UnicodeScalarView(host[(host.startIndex + 1)..<close]))
            let port = host[(close + 1)...]
            guard port.isEmpty || (port.first == ":" && port.dropFirst().allSatisfy(isDigit)) else { return false }
            return IPAddress.isIPv6(literal) || isIPvFuture(literal)
        }
        if let colon = host.lastIndex(of: ":") {
            guard host[(colon + 1)...].allSatisfy(isDigit) else { return false }
            host = host[..<colon]
        }
        return isSequence(host, allowsUnicode, extra: "", also: "")
    }

    private static func isIPvFuture(_ literal: String) -> Bool {
        let scalars = Array(literal.unicodeScalars)
        guard scalars.first == "v" || scalars.first == "V", let dot = scalars.firstIndex(of: "."), dot > 1,
            scalars[1..<dot].allSatisfy(isHex), dot + 1 < scalars.count
        else { return false }
        return scalars[(dot + 1)...].allSatisfy { isUnreserved($0, false) || subDelims.contains($0) || $0 == ":" }
    }
}
