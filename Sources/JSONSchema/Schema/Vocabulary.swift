/// The draft 2020-12 vocabularies a schema resource's dialect turns on.
struct Vocabularies: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let core = Vocabularies(rawValue: 1 << 0)
    static let applicator = Vocabularies(rawValue: 1 << 1)
    static let unevaluated = Vocabularies(rawValue: 1 << 2)
    static let validation = Vocabularies(rawValue: 1 << 3)
    static let metaData = Vocabularies(rawValue: 1 << 4)
    static let formatAnnotation = Vocabularies(rawValue: 1 << 5)
    static let formatAssertion = Vocabularies(rawValue: 1 << 6)
    static let content = Vocabularies(rawValue: 1 << 7)

    /// What the standard 2020-12 meta-schema declares.
    static let standard: Vocabularies = [
        .core, .applicator, .unevaluated, .validation, .metaData, .formatAnnotation, .content,
    ]

    static let byURI: [String: Vocabularies] = [
        "https://json-schema.org/draft/2020-12/vocab/core": .core,
        "https://json-schema.org/draft/2020-12/vocab/applicator": .applicator,
        "https://json-schema.org/draft/2020-12/vocab/unevaluated": .unevaluated,
        "https://json-schema.org/draft/2020-12/vocab/validation": .validation,
        "https://json-schema.org/draft/2020-12/vocab/meta-data": .metaData,
        "https://json-schema.org/draft/2020-12/vocab/format-annotation": .formatAnnotation,
        "https://json-schema.org/draft/2020-12/vocab/format-assertion": .formatAssertion,
        "https://json-schema.org/draft/2020-12/vocab/content": .content,
    ]

    static let metaschemaURI = "https://json-schema.org/draft/2020-12/schema"

    /// Earlier drafts' meta-schema URIs: such schemas are read with 2020-12 keywords plus
    /// the array form of `items`, `additionalItems`, `definitions` and `dependencies`.
    static let legacyMetaschemaURIs: Set<String> = [
        "http://json-schema.org/draft-04/schema", "http://json-schema.org/draft-06/schema",
        "http://json-schema.org/draft-07/schema", "https://json-schema.org/draft/2019-09/schema",
    ]

    /// The vocabularies a meta-schema's `$vocabulary` declares; throws for an unknown one
    /// it requires (`true`), as the specification demands.
    static func declared(by metaschema: JSONValue, at location: String) throws(SchemaError) -> Vocabularies {
        guard let declared = metaschema["$vocabulary"]?.objectValue else { return .standard }
        var vocabularies: Vocabularies = []
        for (uri, required) in declared {
            if let known = byURI[uri] {
                vocabularies.insert(known)
            } else if required == .bool(true) {
                throw SchemaError(
                    location: location,
                    message: "the meta-schema requires the vocabulary \(uri), which is not supported")
            }
        }
        return vocabularies
    }
}
