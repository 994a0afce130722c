extension JSONValue {
    /// Compact JSON text, keys in their written order (or sorted, for stable output).
    public func jsonText(sortedKeys: Bool = false) -> String {
        var writer = JSONWriter()
        writer.value(self, sortedKeys: sortedKeys)
        return writer.text
    }

    /// A short rendering for messages: strings quoted, long values cut.
    public var abbreviated: String {
        let text = jsonText()
        guard text.count > 60 else { return text }
        return String(text.prefix(57)) + "..."
    }
}
