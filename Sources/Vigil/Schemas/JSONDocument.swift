public import JSONSchema

/// One JSON value read from a file (JSON, or YAML by extension), which can say where any
/// part of it was written.
public struct JSONDocument: Sendable {
    /// The document's value.
    public var value: JSONValue
    /// Where the document starts (line 1 for a file, the line for a JSON Lines record).
    public var location: SourceLocation
    /// The document's text, kept to locate parts on demand (only errors need it).
    private var text: String?
    private var tree: LocatedValue?

    /// A document read as JSON text starting at `location`.
    public init(value: JSONValue, location: SourceLocation, text: String?) {
        self.value = value
        self.location = location
        self.text = text
    }

    init(tree: LocatedValue) {
        self.value = tree.json
        self.location = tree.location
        self.tree = tree
    }

    /// Where the part at `pointer` was written. Falls back to the document's start.
    public func location(ofPointer pointer: String, preferKey: Bool = false) -> SourceLocation {
        locator()(pointer, preferKey)
    }

    /// A function from pointer to location. The text is parsed again (as YAML, of which
    /// JSON is a subset) once, here, and only for a document that has errors to place.
    public func locator() -> (String, Bool) -> SourceLocation {
        let start = location
        if let tree { return { tree.location(ofPointer: $0, preferKey: $1) } }
        guard let text, let tree = try? YAMLLoader().load(bytes: Array(text.utf8), file: start.file) else {
            return { _, _ in start }
        }
        return { pointer, preferKey in
            var found = tree.location(ofPointer: pointer, preferKey: preferKey)
            if found.line == 1 { found.column += start.column - 1 }
            found.line += start.line - 1
            return found
        }
    }

    /// Reads a `.json` file with the strict JSON parser, anything else as YAML.
    public static func load(_ path: String, displayName: String) throws(Diagnostic) -> JSONDocument {
        let bytes: [UInt8]
        do {
            bytes = try ContentsOfFile.read(path)
        } catch {
            throw Diagnostic(
                .fileUnreadable, error.description, at: SourceLocation(file: displayName, line: 1, column: 1))
        }
        return try load(bytes: bytes, path: path, displayName: displayName)
    }

    /// Parses bytes already read from `path`: JSON when it ends in `.json`, else YAML.
    public static func load(bytes: [UInt8], path: String, displayName: String) throws(Diagnostic) -> JSONDocument {
        let start = SourceLocation(file: displayName, line: 1, column: 1)
        if path.hasSuffix(".json") {
            let text = try TextDecoding.utf8Text(bytes, file: displayName, maximumSize: Int.max)
            return try parseJSON(text, at: start)
        }
        return JSONDocument(tree: try YAMLLoader().load(bytes: bytes, file: displayName))
    }

    /// Parses JSON text that starts at `start`, turning a syntax error into a diagnostic.
    static func parseJSON(_ text: String, at start: SourceLocation) throws(Diagnostic) -> JSONDocument {
        do {
            return JSONDocument(value: try JSONParser().parse(text), location: start, text: text)
        } catch {
            var location = start
            location.line += error.line - 1
            location.column = error.line == 1 ? start.column + error.column - 1 : error.column
            throw Diagnostic(.jsonSyntax, "invalid JSON: \(error.message)", at: location)
        }
    }
}
