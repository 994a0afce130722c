extension FileStamp {
    /// What changed between this stamp (as a run listed the file) and `now`, for the messages
    /// of an input that changed under a run and of a resume's drift:
    /// `size 4096 -> 4100 bytes, modified 2026-12-03T13:20:01.123Z -> 2026-12-03T13:20:09.456Z`.
    func change(to now: FileStamp) -> String {
        var parts: [String] = []
        if size != now.size { parts.append("size \(size) -> \(now.size) bytes") }
        if modified != now.modified {
            parts.append(
                "modified \(Timestamp.iso8601(Double(modified) / 1e9)) -> \(Timestamp.iso8601(Double(now.modified) / 1e9))"
            )
        }
        return parts.joined(separator: ", ")
    }
}
