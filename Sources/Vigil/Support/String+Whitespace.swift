extension String {
    /// The text without the Unicode whitespace at either end (what `trimmingCharacters(in:
    /// .whitespacesAndNewlines)` does, without Foundation's bridging): a required field of only
    /// spaces is empty, and a provider's answer is compared without its trailing newline.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
