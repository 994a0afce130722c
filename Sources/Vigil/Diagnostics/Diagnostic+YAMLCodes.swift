extension Diagnostic.Code {
    /// The file is not well-formed YAML (libyaml's scanner, parser or composer refused it).
    public static let yamlSyntax = Diagnostic.Code("Y001")
    /// A mapping repeats a key.
    public static let yamlDuplicateKey = Diagnostic.Code("Y002")
    /// The file holds no document.
    public static let yamlEmpty = Diagnostic.Code("Y003")
    /// The file holds more than one document.
    public static let yamlMultipleDocuments = Diagnostic.Code("Y004")
    /// The file is not UTF-8 text.
    public static let yamlEncoding = Diagnostic.Code("Y005")
    /// The file is larger than the loader accepts.
    public static let yamlTooLarge = Diagnostic.Code("Y006")
    /// Aliases expand the document beyond the loader's limit ("billion laughs").
    public static let yamlAliasExpansion = Diagnostic.Code("Y007")
    /// A value JSON cannot hold: `.inf`, `.nan`, a collection used as a key, an unknown tag.
    public static let yamlUnsupportedValue = Diagnostic.Code("Y008")
    /// The file could not be read.
    public static let fileUnreadable = Diagnostic.Code("F001")
}
