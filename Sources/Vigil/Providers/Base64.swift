/// Standard base64 (RFC 4648, with padding), written straight into a caller's buffer: an
/// image goes from the bytes read to the request body without a base64 `String`, a JSON
/// value and a second buffer in between (4 MB images at concurrency 4 held 11 copies each).
enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Characters the encoding of `count` bytes takes.
    static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Encodes `input` into `output`, which holds at least `encodedCount(input.count)` bytes;
    /// returns how many it wrote.
    static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        alphabet.withUnsafeBufferPointer { table in
            var written = 0
            var index = 0
            let whole = input.count / 3 * 3
            while index < whole {
                let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                output[written] = table[Int(value >> 18 & 63)]
                output[written + 1] = table[Int(value >> 12 & 63)]
                output[written + 2] = table[Int(value >> 6 & 63)]
                output[written + 3] = table[Int(value & 63)]
                written += 4
                index += 3
            }
            let rest = input.count - whole
            if rest > 0 {
                let second = rest == 2 ? UInt32(input[index + 1]) : 0
                let value = UInt32(input[index]) << 16 | second << 8
                output[written] = table[Int(value >> 18 & 63)]
                output[written + 1] = table[Int(value >> 12 & 63)]
                output[written + 2] = rest == 2 ? table[Int(value >> 6 & 63)] : UInt8(ascii: "=")
                output[written + 3] = UInt8(ascii: "=")
                written += 4
            }
            return written
        }
    }
}
