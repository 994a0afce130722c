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
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    public static func sha256(of bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
