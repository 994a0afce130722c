import Foundation
public import JSONSchema

/// Schemas kept in files (`success.schema`, `vigil schema validate --schema`): JSON or YAML,
/// compiled with the file's own URL as base, so a `$ref` to a sibling file resolves
/// (from disk; nothing is fetched from the network).
public enum SchemaFile {
    /// Reads and compiles the schema at `path`. Diagnostics point into the file.
    public static func load(_ path: String, displayName: String? = nil, options: SchemaOptions = SchemaOptions())
        throws(Diagnostic) -> Schema
    {
        let name = displayName ?? path
        return try compile(JSONDocument.load(path, displayName: name), path: path, displayName: name, options: options)
    }

    /// Compiles a schema from bytes already read from `path` (what validation checked is
    /// what a run judges with).
    public static func load(
        bytes: [UInt8], path: String, displayName: String? = nil, options: SchemaOptions = SchemaOptions()
    ) throws(Diagnostic) -> Schema {
        let name = displayName ?? path
        return try compile(
            JSONDocument.load(bytes: bytes, path: path, displayName: name), path: path, displayName: name,
            options: options)
    }

    /// Compiles a schema from a document already loaded (its locations stay at hand).
    public static func load(
        document: JSONDocument, path: String, displayName: String? = nil, options: SchemaOptions = SchemaOptions()
    ) throws(Diagnostic) -> Schema {
        try compile(document, path: path, displayName: displayName ?? path, options: options)
    }

    private static func compile(
        _ document: JSONDocument, path: String, displayName name: String, options: SchemaOptions
    ) throws(Diagnostic) -> Schema {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var registry = SchemaRegistry()
        registry.loader = { uri in
            guard uri.scheme == "file" else { return nil }
            return try? JSONDocument.load(URIReference.percentDecoded(uri.path), displayName: uri.path).value
        }
        // Against the meta-schema first (a 2020-12 schema, or one that does not say), so a
        // misspelt type or a negative minLength is reported where it is written.
        let dialect = document.value["$schema"]?.stringValue
        if dialect == nil || dialect?.hasPrefix("https://json-schema.org/draft/2020-12/schema") == true {
            let errors = Schema.metaschema.validate(document.value)
            if let error = errors.first(where: { $0.keyword != "anyOf" && $0.keyword != "oneOf" }) ?? errors.first {
                let place = error.instanceLocation.isEmpty ? "the schema" : error.instanceLocation
                throw Diagnostic(
                    .schemaInvalid, "not a valid JSON Schema at \(place): \(error.message)",
                    at: document.location(ofPointer: error.instanceLocation),
                    note: "meta-schema keyword \(error.keywordLocation)")
            }
        }
        do {
            return try Schema(document.value, baseURI: url.absoluteString, registry: registry, options: options)
        } catch {
            let located =
                error.location.hasPrefix("#")
                ? document.location(ofPointer: URIReference.percentDecoded(String(error.location.dropFirst())))
                : SourceLocation(file: name, line: 1, column: 1)
            throw Diagnostic(
                .schemaInvalid, error.message, at: located,
                note: error.location.hasPrefix("#") ? nil : "in \(error.location)")
        }
    }
}
