import Crypto
import JSONSchema

extension JSONValue {
    /// The sha256 of the value's canonical JSON (keys sorted, no spaces): what a JSON Lines
    /// record is listed and recorded by, so reformatting its line changes nothing. Hashed
    /// from the writer's buffer (no `String` or array copy: the item loop checks every
    /// record with it).
    var canonicalSHA256: String { canonicalDigest.sha256 }

    /// The canonical JSON's length in bytes and its sha256.
    var canonicalDigest: (size: Int, sha256: String) {
        var writer = JSONWriter(capacity: 512)
        writer.value(self, sortedKeys: true)
        return writer.withBytes { ($0.count, FileDigest.hex(SHA256.hash(data: UnsafeRawBufferPointer($0)))) }
    }
}
