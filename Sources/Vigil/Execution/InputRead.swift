import Crypto
import Foundation
import JSONSchema

/// An item's file, read once for one attempt: the bytes that are sent and the sha256
/// taken from that same read. The file's stamp is checked against the run's list before
/// the read and after it, so bytes that changed since the run listed them are never sent
/// under the run's name (the item fails with `input` instead; nothing is sent).
struct InputRead: Sendable {
    /// The bytes, when the caller sends them (nil when only their digest was wanted).
    var bytes: [UInt8]?
    var sha256: String
    /// The file's size and modification time as read (to tell a later change).
    var stamp: FileStamp

    /// Reads the file at `url`, listed as `path` with `listed` (nil: not checked, for a
    /// list from before stamps). With `keepingBytes` false (a provider that reads the file
    /// itself) it is hashed 1 MiB at a time and no copy of it is held while the model works.
    static func read(_ url: URL, path: String, listed: FileStamp?, keepingBytes: Bool = true) throws(ItemFailure)
        -> InputRead
    {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ItemFailure(.input, "cannot read the input \(path): \(reason); it was not sent", isRetryable: false)
        }
        defer { close(descriptor) }
        guard let before = FileStamp.of(descriptor: descriptor) else {
            throw ItemFailure(
                .input, "cannot read the input \(path): \(String(cString: strerror(errno))); it was not sent",
                isRetryable: false)
        }
        try check(before, listed: listed, path: path)
        // The whole file when it is sent; a 1 MiB window otherwise.
        var buffer = [UInt8](repeating: 0, count: keepingBytes ? before.size : min(before.size, 1 << 20))
        var hasher = SHA256()
        var filled = 0
        while filled < before.size {
            let offset = keepingBytes ? filled : 0
            let wanted = min(before.size - filled, buffer.count - offset)
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + offset, wanted) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            if !keepingBytes {
                buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            }
            filled += count
        }
        // Shorter than stat said, or written to while it was read: not the listed bytes.
        guard filled == before.size, FileStamp.of(descriptor: descriptor) == before else {
            throw ItemFailure(
                .input, "the input \(path) changed while it was read; it was not sent", isRetryable: false)
        }
        if keepingBytes { hasher.update(data: buffer) }
        return InputRead(bytes: keepingBytes ? buffer : nil, sha256: FileDigest.hex(hasher.finalize()), stamp: before)
    }

    /// After an answer from a provider that reads the file itself (the command provider
    /// gets its path), or after an image was converted from the file: the file must still be
    /// as listed, or the answer (the converted image) is of other bytes. `during` and `outcome`
    /// say what went on meanwhile and what came of it.
    static func confirm(
        _ url: URL, path: String, listed: FileStamp?, during: String = "the model worked on it",
        outcome: String = "its answer was not kept"
    ) throws(ItemFailure) {
        guard let listed else { return }
        guard let now = FileStamp.of(url.path) else {
            throw ItemFailure(.input, "the input \(path) was removed while \(during); \(outcome)", isRetryable: false)
        }
        guard now == listed else {
            throw ItemFailure(
                .input, "the input \(path) changed while \(during) (\(listed.change(to: now))); \(outcome)",
                isRetryable: false)
        }
    }

    private static func check(_ now: FileStamp, listed: FileStamp?, path: String) throws(ItemFailure) {
        guard let listed, now != listed else { return }
        throw ItemFailure(
            .input,
            "the input \(path) changed after the run listed it (\(listed.change(to: now))); it was not sent. "
                + "To process it with its new bytes, run the job again or `vigil run --retry-failed` on this run",
            detail: ["listed": listed.json, "now": now.json], isRetryable: false)
    }
}

extension FileStamp {
    var json: JSONValue { ["size": .number(JSONNumber(size)), "modified_ns": .number(JSONNumber(Int(modified)))] }

}
