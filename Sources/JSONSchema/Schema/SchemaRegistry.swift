/// The documents a schema's remote references may resolve to, filled by the caller.
///
/// Nothing is ever fetched from the network: a `$ref` to a URI that is neither inside the
/// schema nor in the registry is a compile error. The draft 2020-12 meta-schemas are
/// always present.
public struct SchemaRegistry: Sendable {
    private var documents: [String: JSONValue] = [:]
    /// Consulted for a URI the registry does not hold (e.g. to read `file:` URIs from disk).
    public var loader: (@Sendable (URIReference) -> JSONValue?)?

    public init(loader: (@Sendable (URIReference) -> JSONValue?)? = nil) {
        self.loader = loader
    }

    /// Adds `document`, retrievable at `uri` (a fragment, if any, is ignored).
    public mutating func add(_ document: JSONValue, at uri: String) {
        documents[URIReference(uri).withoutFragment.description] = document
    }

    /// The document stored at `uri`, the meta-schema with that `$id`, or the loader's answer.
    public func document(at uri: URIReference) -> JSONValue? {
        let key = uri.withoutFragment.description
        if let document = documents[key] { return document }
        if let document = Self.metaschemas[key] { return document }
        return loader?(uri.withoutFragment)
    }

    static let metaschemas: [String: JSONValue] = {
        var parsed: [String: JSONValue] = [:]
        for (uri, text) in Draft202012Metaschemas.documents {
            parsed[uri] = try! JSONParser().parse(text)
        }
        return parsed
    }()
}
