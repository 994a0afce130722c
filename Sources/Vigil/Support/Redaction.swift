import Foundation
import JSONSchema
import Synchronization

/// Masks every secret value this process holds wherever bytes leave it: the run folder's
/// files (`AppendOnlyFile`, `AtomicFile`), the terminal, webhook bodies, a consumer's
/// standard input, log lines. A secret reaches those places by routes nobody plans (an
/// endpoint that answers 401 with "Incorrect API key provided: sk-..." puts the key into
/// the failure's detail), so the rule is applied once, at the writers, not at each call
/// site that might carry one. `Secret` registers its value when it is made.
///
/// Values shorter than `minimumLength` are not masked: they would mask ordinary words,
/// and no real key or URL is that short.
public enum Redaction {
    /// What a secret is replaced with.
    public static let mask: [UInt8] = Array("<REDACTED>".utf8)
    /// Shorter values are not registered (they would mask ordinary words).
    public static let minimumLength = 8

    /// The byte patterns to mask: each secret as written, and as a JSON string writes it
    /// when that differs (a URL with `"` or `\` in it, a key with control characters).
    private static let patterns = Mutex<[[UInt8]]>([])
    /// Read on every write: false until the first secret, so a run without one pays a
    /// single atomic load.
    private static let active = Atomic<Bool>(false)

    /// Adds a secret's value to what is masked from now on.
    public static func register(_ value: String) {
        guard value.utf8.count >= minimumLength else { return }
        var forms = [Array(value.utf8)]
        let escaped = Array(JSONEscaping.escaped(value).utf8)
        if escaped != forms[0] { forms.append(escaped) }
        patterns.withLock { patterns in
            for form in forms where !patterns.contains(form) { patterns.append(form) }
            // Longest first: a secret that contains another is masked whole.
            patterns.sort { $0.count > $1.count }
        }
        active.store(true, ordering: .releasing)
    }

    /// The bytes with every secret masked, or nil when they hold none (the caller then
    /// writes its own buffer: no copy on the common path).
    public static func masked(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard active.load(ordering: .acquiring), bytes.count > 0 else { return nil }
        let patterns = patterns.withLock { $0 }
        guard patterns.contains(where: { Self.find($0, in: bytes, from: 0) != nil }) else { return nil }
        var current = Array(bytes)
        for pattern in patterns {
            current = current.withUnsafeBytes { replace(pattern, in: $0) } ?? current
        }
        return current
    }

    /// The text with every secret masked.
    public static func masked(_ text: String) -> String {
        guard active.load(ordering: .acquiring) else { return text }
        var text = text
        let result: [UInt8]? = text.withUTF8 { masked(UnsafeRawBufferPointer($0)) }
        return result.map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    /// `bytes` with every occurrence of `pattern` replaced by the mask; nil when none.
    private static func replace(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard var found = find(pattern, in: bytes, from: 0) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var start = 0
        while true {
            output.append(contentsOf: bytes[start..<found])
            output.append(contentsOf: mask)
            start = found + pattern.count
            guard let next = find(pattern, in: bytes, from: start) else { break }
            found = next
        }
        output.append(contentsOf: bytes[start...])
        return output
    }

    /// The first occurrence of `pattern` at or after `start`: `memchr` to the candidates
    /// for its first byte, `memcmp` for the rest. (Glibc's `memmem` is not visible to Swift.)
    private static func find(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, let first = pattern.first else { return nil }
        let end = bytes.count - pattern.count
        var position = start
        return pattern.withUnsafeBytes { needle -> Int? in
            while position <= end {
                guard let hit = memchr(base + position, Int32(first), end - position + 1) else { return nil }
                let offset = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(hit, needle.baseAddress!, needle.count) == 0 { return offset }
                position = offset + 1
            }
            return nil
        }
    }
}

/// How the event and result writers escape a string, for the JSON form of a secret.
enum JSONEscaping {
    static func escaped(_ value: String) -> String {
        String(JSONValue.string(value).jsonText().dropFirst().dropLast())
    }
}
