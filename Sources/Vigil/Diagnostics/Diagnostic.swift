/// A problem found in a file, located and coded, printed the way compilers print:
/// `jobs/x.yaml:12:9: error: ... [V012]`.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
        case note
    }

    /// A stable identifier; callers match on these, so they never change meaning.
    /// New codes are added as static members (see `Diagnostic.Code+YAML.swift`).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    public var code: Code
    public var severity: Severity
    public var message: String
    public var location: SourceLocation
    /// What to do about it, when there is something specific to say.
    public var hint: String?
    /// Supporting detail (where in the data, which schema keyword).
    public var note: String?
    /// The source line must not be printed (it holds a secret).
    public var hidesSourceLine = false

    public init(_ code: Code, _ message: String, at location: SourceLocation, severity: Severity = .error, hint: String? = nil, note: String? = nil) {
        self.code = code
        self.severity = severity
        self.message = message
        self.location = location
        self.hint = hint
        self.note = note
    }

    public var description: String {
        "\(location): \(severity.rawValue): \(message) [\(code)]" + (hint.map { "\n  hint: \($0)" } ?? "")
    }
}
