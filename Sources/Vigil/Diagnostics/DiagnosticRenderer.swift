import JSONSchema

/// Prints diagnostics for people (compiler style, with the source line and a caret), for
/// programs (`json`) and for GitHub Actions (`github` workflow commands).
public struct DiagnosticRenderer {
    /// Text for people, JSON for programs, GitHub Actions workflow commands.
    public enum Format: String, Sendable, CaseIterable {
        case text
        case json
        case github
    }

    /// The format rendered.
    public var format: Format
    /// Gives a file's lines for the source excerpt (nil: no excerpt).
    public var sourceLines: (String) -> [Substring]?

    /// A renderer; `sourceLines` gives a file's lines for excerpts (nil: no excerpt).
    public init(format: Format, sourceLines: @escaping (String) -> [Substring]? = SourceText.lines(ofFile:)) {
        self.format = format
        self.sourceLines = sourceLines
    }

    /// All diagnostics, sorted by location, in the chosen format.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        // Each file is read once however many diagnostics point into it.
        var cache: [String: [Substring]?] = [:]
        let readLines = sourceLines
        let cached = DiagnosticRenderer(format: format) { file in
            if let lines = cache[file] { return lines }
            let lines = readLines(file)
            cache[file] = lines
            return lines
        }
        return cached.renderSorted(diagnostics)
    }

    private func renderSorted(_ diagnostics: [Diagnostic]) -> String {
        // Stable: diagnostics at one location keep their order (an explanation follows its summary).
        let sorted = diagnostics.enumerated()
            .sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }
            .map(\.element)
        switch format {
        case .text:
            return sorted.map(text).joined()
        case .json:
            return JSONValue.array(sorted.map(json)).jsonText() + "\n"
        case .github:
            return sorted.map(github).joined()
        }
    }

    private func text(_ diagnostic: Diagnostic) -> String {
        var output =
            "\(diagnostic.location): \(diagnostic.severity.rawValue): \(diagnostic.message) [\(diagnostic.code)]\n"
        if diagnostic.hidesSourceLine {
            output += "    (line not shown: it holds a secret)\n"
        } else if let lines = sourceLines(diagnostic.location.file), diagnostic.location.line <= lines.count,
            diagnostic.location.line >= 1
        {
            let line = lines[diagnostic.location.line - 1]
            let excerpt = line.count > 200 ? String(line.prefix(200)) + "..." : String(line)
            // The caret goes under the column, counted in Unicode scalars; tabs are kept so it lines up.
            let lead = excerpt.unicodeScalars.prefix(max(0, diagnostic.location.column - 1)).map {
                $0 == "\t" ? "\t" : " "
            }.joined()
            output += "    \(excerpt)\n    \(lead)^\n"
        }
        if let note = diagnostic.note { output += "  note: \(note)\n" }
        if let hint = diagnostic.hint { output += "  hint: \(hint)\n" }
        return output
    }

    private func json(_ diagnostic: Diagnostic) -> JSONValue {
        var object: JSONObject = JSONObject()
        object["file"] = .string(diagnostic.location.file)
        object["line"] = .number(JSONNumber(diagnostic.location.line))
        object["column"] = .number(JSONNumber(diagnostic.location.column))
        object["severity"] = .string(diagnostic.severity.rawValue)
        object["code"] = .string(diagnostic.code.rawValue)
        object["message"] = .string(diagnostic.message)
        if let note = diagnostic.note { object["note"] = .string(note) }
        if let hint = diagnostic.hint { object["hint"] = .string(hint) }
        return .object(object)
    }

    private func github(_ diagnostic: Diagnostic) -> String {
        // Workflow commands: properties and message are escaped per GitHub's rules.
        func escape(_ text: String, property: Bool) -> String {
            var escaped = text.replacing("%", with: "%25").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
            if property { escaped = escaped.replacing(":", with: "%3A").replacing(",", with: "%2C") }
            return escaped
        }
        let command = diagnostic.severity == .error ? "error" : diagnostic.severity == .warning ? "warning" : "notice"
        let location = diagnostic.location
        var message = diagnostic.message
        if let hint = diagnostic.hint { message += "\nhint: \(hint)" }
        return
            "::\(command) file=\(escape(location.file, property: true)),line=\(location.line),col=\(location.column),title=\(escape("\(diagnostic.code)", property: true))::\(escape(message, property: false))\n"
    }
}

/// Reads files' lines for source excerpts.
public enum SourceText {
    /// Larger files get no excerpt: a diagnostic about a file too large to load (a 64 MiB
    /// "job") must not read it all to show its first line.
    public static let maximumSize = 8 << 20

    /// The lines of a file no larger than `maximumSize` (nil: too large, missing or not UTF-8).
    public static func lines(ofFile path: String) -> [Substring]? {
        guard let size = FileStamp.of(path)?.size, size <= maximumSize else { return nil }
        guard let bytes = try? ContentsOfFile.read(path), let text = String(validating: bytes, as: UTF8.self) else {
            return nil
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
    }
}
