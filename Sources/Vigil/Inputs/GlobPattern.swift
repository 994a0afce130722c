/// A path glob: `*` and `?` and `[abc]` within one path segment, `**` for any number of
/// segments (folders). Matched against `/`-separated paths relative to the job folder.
public struct GlobPattern: Sendable, Hashable {
    /// The pattern as written.
    public let text: String
    let segments: [Substring]

    /// A pattern.
    public init(_ text: String) {
        self.text = text
        segments = text.split(separator: "/", omittingEmptySubsequences: true)
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
        guard let segment = path.first, matchSegment(Array(first.unicodeScalars)[...], Array(segment.unicodeScalars)[...]) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// fnmatch within one segment. A leading `.` must be matched literally (hidden files
    /// are not picked up by `*`).
    static func matchSegment(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
        if name.first == ".", pattern.first != "." { return false }
        return matchScalars(pattern, name)
    }

    private static func matchScalars(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let p = pattern.first else { return name.isEmpty }
        switch p {
        case "*":
            var rest = name
            while true {
                if matchScalars(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        case "?":
            return !name.isEmpty && matchScalars(pattern.dropFirst(), name.dropFirst())
        case "[":
            guard let c = name.first, let close = pattern.dropFirst(2).firstIndex(of: "]") else {
                return name.first == "[" && matchScalars(pattern.dropFirst(), name.dropFirst())
            }
            var set = pattern[(pattern.startIndex + 1)..<close]
            let negated = set.first == "!" || set.first == "^"
            if negated { set = set.dropFirst() }
            var found = false
            var index = set.startIndex
            while index < set.endIndex {
                if index + 2 < set.endIndex, set[index + 1] == "-" {
                    if (set[index]...set[index + 2]).contains(c) { found = true }
                    index += 3
                } else {
                    if set[index] == c { found = true }
                    index += 1
                }
            }
            return found != negated && matchScalars(pattern[(close + 1)...], name.dropFirst())
        default:
            return name.first == p && matchScalars(pattern.dropFirst(), name.dropFirst())
        }
    }
}
