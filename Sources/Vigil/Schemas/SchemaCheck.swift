public import JSONSchema

/// Checks instances against a schema and reports each failure as a located diagnostic.
public enum SchemaCheck {
    /// One `S001` diagnostic per validation error, located at the offending value (or at
    /// the key, for a property that is not allowed).
    public static func diagnostics(for instance: JSONDocument, against schema: Schema) -> [Diagnostic] {
        let errors = schema.validate(instance.value)
        guard !errors.isEmpty else { return [] }
        let locate = instance.locator()
        return errors.map { error in
            let atKey = error.keyword == "additionalProperties" || error.keyword == "unevaluatedProperties"
            let place = error.instanceLocation.isEmpty ? "the whole value" : error.instanceLocation
            return Diagnostic(
                .schemaViolation, error.message, at: locate(error.instanceLocation, atKey),
                note: "at \(place); schema keyword \(error.keywordLocation)")
        }
    }
}
