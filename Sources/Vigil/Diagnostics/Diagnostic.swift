/// A problem found in a file, located and coded, printed the way compilers print:
/// `jobs/x.yaml:12:9: error: ... [V012]`.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// How bad it is: an error refuses the job; a warning and a note do not.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
        case note
    }

    /// A stable identifier; callers match on these, so they never change meaning.
    /// New codes are added as static members (see `Diagnostic.Code+YAML.swift`).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code as printed, e.g. `V011`.
        public let rawValue: String
        /// A code; new ones are static members in `Diagnostic+*Codes.swift`.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        /// The code as printed.
        public var description: String { rawValue }
    }

    /// Which problem it is (stable; listed in docs/exit-codes-and-diagnostics.md).
    public var code: Code
    /// Error, warning or note.
    public var severity: Severity
    /// What is wrong, in one sentence.
    public var message: String
    /// Where it was written.
    public var location: SourceLocation
    /// What to do about it, when there is something specific to say.
    public var hint: String?
    /// Supporting detail (where in the data, which schema keyword).
    public var note: String?
    /// The source line must not be printed (it holds a secret).
    public var hidesSourceLine = false

    /// A diagnostic at `location`.
    public init(
        _ code: Code, _ message: String, at location: SourceLocation, severity: Severity = .error, hint: String? = nil,
        note: String? = nil
    ) {
        self.code = code
        self.severity = severity
        self.message = message
        self.location = location
        self.hint = hint
        self.note = note
    }

    /// The compiler-style line, with the hint.
    public var description: String {
        "\(location): \(severity.rawValue): \(message) [\(code)]" + (hint.map { "\n  hint: \($0)" } ?? "")
    }
}
