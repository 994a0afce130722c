/// Turns file bytes into text: UTF-8 only, byte-order mark stripped, with a located error
/// for anything else.
enum TextDecoding {
    static func utf8Text(_ bytes: [UInt8], file: String, maximumSize: Int) throws(Diagnostic) -> String {
        let start = SourceLocation(file: file, line: 1, column: 1)
        if bytes.count > maximumSize {
            throw Diagnostic(
                .yamlTooLarge, "file is \(ByteCount.text(bytes.count)); the limit is \(ByteCount.text(maximumSize))",
                at: start)
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.starts(with: [0xFF, 0xFE]) || body.starts(with: [0xFE, 0xFF]) {
            throw Diagnostic(
                .yamlEncoding, "the file is UTF-16; Vigil reads UTF-8 only", at: start,
                hint: "convert it, e.g. iconv -f UTF-16 -t UTF-8")
        }
        if let text = String(validating: body, as: UTF8.self) {
            if let nul = body.firstIndex(of: 0) {
                throw Diagnostic(
                    .yamlEncoding, "the file contains a NUL byte; is it binary?",
                    at: location(ofByte: nul - body.startIndex, in: body, file: file))
            }
            return text
        }
        // Find the first byte that breaks UTF-8, to point at it.
        var valid = body.startIndex
        var index = body.startIndex
        while index < body.endIndex {
            let lead = body[index]
            let length =
                lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
            guard length > 0, index + length <= body.endIndex,
                String(validating: body[index..<(index + length)], as: UTF8.self) != nil
            else { break }
            index += length
            valid = index
        }
        let byte = valid < body.endIndex ? body[valid] : 0
        throw Diagnostic(
            .yamlEncoding, "the file is not valid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true)))",
            at: location(ofByte: valid - body.startIndex, in: body, file: file),
            hint: "save it as UTF-8 (e.g. iconv -f LATIN1 -t UTF-8)")
    }

    /// Line and column of a byte offset, columns counted in Unicode scalars.
    static func location(ofByte offset: Int, in bytes: ArraySlice<UInt8>, file: String) -> SourceLocation {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
