import Crypto
public import Foundation

/// SHA-256 of files, as lowercase hex: what prompts are pinned by and inputs recorded with.
public enum FileDigest {
    /// The file's SHA-256, or nil when it cannot be read.
    public static func sha256(of url: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        // Read in chunks so a large input file does not have to fit in memory.
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    /// The bytes' SHA-256, as lowercase hex.
    public static func sha256(of bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex, by hand: `String(format: "%02x")` per byte was most of the time it
    /// took to record a million inputs (a Foundation format string for each of 32 bytes).
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
