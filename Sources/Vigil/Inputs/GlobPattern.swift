/// A path glob: `*` and `?` and `[abc]` within one path segment, `**` for any number of
/// segments (folders). Matched against `/`-separated paths relative to the job folder.
public struct GlobPattern: Sendable, Hashable {
    /// The pattern as written.
    public let text: String
    let segments: [Substring]

    /// A pattern as the job writes it: `*`, `?`, `[a-z]` within a name, `**` across folders.
    public init(_ text: String) {
        self.text = text
        // `**/**` means what `**` does; kept apart, each would multiply the matching's work.
        var segments: [Substring] = []
        for segment in text.split(separator: "/", omittingEmptySubsequences: true)
        where !(segment == "**" && segments.last == "**") {
            segments.append(segment)
        }
        self.segments = segments
    }

    /// The pattern starts at the file system's root (`/data/sheets/*.jpg`), not at the job's folder.
    public var isAbsolute: Bool { text.hasPrefix("/") }

    /// The folder a walk can start from: the leading segments without a wildcard (never the
    /// last segment, which names files).
    public var literalPrefix: [String] {
        var prefix: [String] = []
        for segment in segments.dropLast() {
            if segment.contains(where: { "*?[".contains($0) }) { break }
            prefix.append(String(segment))
        }
        return prefix
    }

    /// Whether a `/`-separated path matches.
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return Self.match(segments[...], parts[...])
    }

    /// Whether a file under the folder at `folder` (a `/`-separated path, relative like the
    /// pattern) could match: a walk enters only such folders. Without this, `data/*.txt`
    /// walked every folder under data/, and `../x/*.txt` the whole parent folder.
    public func mayMatch(under folder: String) -> Bool {
        Self.mayMatch(segments[...], folder.split(separator: "/", omittingEmptySubsequences: true)[...])
    }

    private static func mayMatch(_ pattern: ArraySlice<Substring>, _ folder: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return false }
        if first == "**" { return true }
        // A file segment must remain after the folder's segments.
        guard let segment = folder.first else { return true }
        guard pattern.count > 1, matchSegment(Array(first.unicodeScalars)[...], Array(segment.unicodeScalars)[...])
        else { return false }
        return mayMatch(pattern.dropFirst(), folder.dropFirst())
    }

    private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            // Zero or more folders.
            var rest = path
            while true {
                if match(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let segment = path.first,
            matchSegment(Array(first.unicodeScalars)[...], Array(segment.unicodeScalars)[...])
        else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// fnmatch within one segment. A leading `.` must be matched literally (hidden files
    /// are not picked up by `*`).
    static func matchSegment(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
        if name.first == ".", pattern.first != "." { return false }
        return matchScalars(pattern, name)
    }

    /// `*`, `?`, `[...]` and literals, in time proportional to pattern × name: a `*` is
    /// retried from the last one only (the classic two-pointer match), so a pattern with many
    /// stars cannot take exponential time on a long name.
    private static func matchScalars(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool
    {
        var p = pattern.startIndex
        var n = name.startIndex
        var star: (pattern: Int, name: Int)?
        while n < name.endIndex {
            if p < pattern.endIndex, pattern[p] == "*" {
                star = (p + 1, n)
                p += 1
            } else if p < pattern.endIndex, let after = matchOne(pattern, at: p, name[n]) {
                p = after
                n += 1
            } else if let retry = star {
                // The last `*` takes one more scalar.
                star = (retry.pattern, retry.name + 1)
                p = retry.pattern
                n = retry.name + 1
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// Where the pattern continues when its token at `index` (`?`, a `[...]` class, or a
    /// literal) matches `c`; nil when it does not. A `[` without a closing `]` is literal; a
    /// range written backwards (`[z-a]`) matches nothing.
    private static func matchOne(_ pattern: ArraySlice<Unicode.Scalar>, at index: Int, _ c: Unicode.Scalar) -> Int? {
        switch pattern[index] {
        case "?":
            return index + 1
        case "[":
            guard let close = pattern[index...].dropFirst(2).firstIndex(of: "]") else {
                return c == "[" ? index + 1 : nil
            }
            var set = pattern[(index + 1)..<close]
            let negated = set.first == "!" || set.first == "^"
            if negated { set = set.dropFirst() }
            var found = false
            var member = set.startIndex
            while member < set.endIndex {
                if member + 2 < set.endIndex, set[member + 1] == "-" {
                    if set[member] <= set[member + 2], (set[member]...set[member + 2]).contains(c) { found = true }
                    member += 3
                } else {
                    if set[member] == c { found = true }
                    member += 1
                }
            }
            return found != negated ? close + 1 : nil
        case let literal:
            return literal == c ? index + 1 : nil
        }
    }
}
