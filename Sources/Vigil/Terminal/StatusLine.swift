/// A line of fields (`[12/300] 4% · 3.1 items/s · ETA 1:32 · success 92%`) that fits any
/// width: the least important fields go first, then the end is cut with `…`.
package struct StatusLine: Sendable {
    /// One part of the line.
    package struct Field: Sendable {
        package var text: String
        /// When it goes as the line narrows: lower first; nil for a field the line is about,
        /// which is cut, never dropped.
        package var dropRank: Int?

        package init(_ text: String, dropRank: Int? = nil) {
            self.text = text
            self.dropRank = dropRank
        }
    }

    package var fields: [Field]
    /// Printed whole when it stays on the screen, wrapping if it must: a command to copy
    /// (`vigil resume ...`) is no use cut.
    package var keepsWhole = false

    package init(_ fields: [Field]) {
        self.fields = fields
    }

    /// A line that is one field: cut, never dropped.
    package init(_ text: String, keepsWhole: Bool = false) {
        self.fields = [Field(text)]
        self.keepsWhole = keepsWhole
    }

    /// The whole line, every field.
    package var full: String { Self.joined(fields) }

    /// At most `width` columns: fields dropped, least important first, until the line fits;
    /// then each dropped field that fits again comes back, most important first (at 40
    /// columns the ETA stays once in-flight has made room); then the end cut with `…`.
    package func fitted(toWidth width: Int) -> String {
        var kept = Array(fields.indices)
        var dropped: [Int] = []
        let byRank = fields.indices.filter { fields[$0].dropRank != nil }
            .sorted { (fields[$0].dropRank ?? 0, $0) < (fields[$1].dropRank ?? 0, $1) }
        for index in byRank where line(kept).displayWidth > width {
            kept.removeAll { $0 == index }
            dropped.append(index)
        }
        for index in dropped.reversed() {
            let tried = (kept + [index]).sorted()
            if line(tried).displayWidth <= width { kept = tried }
        }
        return line(kept).fitted(toWidth: width)
    }

    private func line(_ indices: [Int]) -> String {
        Self.joined(indices.map { fields[$0] })
    }

    private static func joined(_ fields: [Field]) -> String {
        fields.map(\.text).joined(separator: " · ")
    }
}
