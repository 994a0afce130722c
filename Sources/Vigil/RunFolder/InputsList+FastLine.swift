extension InputsList.Entry {
    /// Reads a list line in exactly the form `write(into:)` gives it
    /// (`{"id":"…","path":"…","size":N,"modified_ns":N,"sha256":"…"}`, optional members
    /// left out, strings without escapes) without the general JSON parser: the item loop
    /// reads one line per item, and the parser's values and dictionaries were a fifth of a
    /// no-op run's time per item. Nil for anything else (a hand edit, an escaped id, an
    /// older list): the general parser reads those.
    init?(fastLine line: ArraySlice<UInt8>) {
        var scanner = Scanner(bytes: line)
        guard scanner.literal("{\"id\":"), let id = scanner.string() else { return nil }
        var path: String?
        if scanner.literal(",\"path\":") {
            guard let text = scanner.string() else { return nil }
            path = text
        }
        guard scanner.literal(",\"size\":"), let size = scanner.integer() else { return nil }
        var modified: Int64?
        if scanner.literal(",\"modified_ns\":") {
            guard let value = scanner.integer() else { return nil }
            modified = Int64(value)
        }
        var sha256: String?
        if scanner.literal(",\"sha256\":") {
            guard let text = scanner.string() else { return nil }
            sha256 = text
        }
        guard scanner.literal("}"), scanner.atEnd, sha256 != nil || modified != nil else { return nil }
        self.init(id: id, path: path, size: size, modified: modified, sha256: sha256)
    }

    private struct Scanner {
        let bytes: ArraySlice<UInt8>
        var index: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            index = bytes.startIndex
        }

        var atEnd: Bool { index == bytes.endIndex }

        mutating func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard bytes.endIndex - index >= count else { return false }
            let matches = text.withUTF8Buffer { expected in
                var offset = 0
                while offset < count {
                    if bytes[index + offset] != expected[offset] { return false }
                    offset += 1
                }
                return true
            }
            if matches { index += count }
            return matches
        }

        /// An ASCII string without escapes or control characters (anything else goes to the
        /// general parser, which validates UTF-8 and decodes escapes).
        mutating func string() -> String? {
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            var end = start
            while end < bytes.endIndex {
                let byte = bytes[end]
                if byte == UInt8(ascii: "\"") { break }
                if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
                end += 1
            }
            guard end < bytes.endIndex else { return nil }
            index = end + 1
            return bytes[start..<end].withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
        }

        /// A non-negative integer.
        mutating func integer() -> Int? {
            var value = 0
            let start = index
            while index < bytes.endIndex, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (product, overflow) = value.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                value = product + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            return index > start ? value : nil
        }
    }
}
