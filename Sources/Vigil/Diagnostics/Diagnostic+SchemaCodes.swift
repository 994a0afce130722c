extension Diagnostic.Code {
    /// A JSON instance does not validate against its schema.
    public static let schemaViolation = Diagnostic.Code("S001")
    /// A schema cannot be compiled (bad keyword value, unresolvable `$ref`, bad pattern).
    public static let schemaInvalid = Diagnostic.Code("S002")
    /// A JSON or JSON Lines file is not valid JSON.
    public static let jsonSyntax = Diagnostic.Code("J001")
}
