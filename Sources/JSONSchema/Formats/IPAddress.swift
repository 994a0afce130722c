/// Dotted-quad IPv4 (RFC 2673 section 3.2, no leading zeros) and RFC 4291 IPv6 text forms.
enum IPAddress {
    static func isIPv4(_ string: String) -> Bool {
        isIPv4(Array(string.utf8)[...])
    }

    static func isIPv4(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard (1...3).contains(part.count), let value = DateTimeFormats.number(part), value <= 255 else {
                return false
            }
            if part.count > 1, part.first == UInt8(ascii: "0") { return false }
        }
        return true
    }

    static func isIPv6(_ string: String) -> Bool {
        var bytes = Array(string.utf8)[...]
        var groupsNeeded = 8
        // An embedded IPv4 address takes the place of the last two groups.
        if let lastColon = bytes.lastIndex(of: UInt8(ascii: ":")), bytes[(lastColon + 1)...].contains(UInt8(ascii: "."))
        {
            guard isIPv4(bytes[(lastColon + 1)...]) else { return false }
            bytes = bytes[...lastColon]
            if bytes.count >= 2, bytes.suffix(2).elementsEqual("::".utf8) {
                // "::" right before the IPv4 part: keep both colons.
            } else {
                bytes = bytes.dropLast()
            }
            groupsNeeded = 6
        }
        let text = Array(bytes)
        let doubleColons = zip(text, text.dropFirst()).enumerated().filter { $0.element == (58, 58) }.map(\.offset)
        guard doubleColons.count <= 1 else { return false }
        func groups(_ part: ArraySlice<UInt8>) -> Int? {
            if part.isEmpty { return 0 }
            let pieces = part.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            for piece in pieces {
                guard (1...4).contains(piece.count),
                    piece.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) })
                else { return nil }
            }
            return pieces.count
        }
        if let position = doubleColons.first {
            guard let left = groups(text[..<position]), let right = groups(text[(position + 2)...]) else {
                return false
            }
            return left + right < groupsNeeded
        }
        guard let count = groups(text[...]) else { return false }
        return count == groupsNeeded
    }
}
