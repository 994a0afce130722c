/// Turns schema documents into `Schema.Node`s: finds every schema resource (`$id`),
/// anchor and dynamic anchor, resolves each reference once, and compiles each subschema
/// location once (so recursive schemas terminate). Used only while a `Schema` is built.
struct SchemaCompiler {
    /// A schema's place: which document, and the JSON Pointer tokens inside it.
    struct Location: Hashable {
        var document: Int
        var path: [String]

        func appending(_ tokens: String...) -> Location {
            Location(document: document, path: path + tokens)
        }
    }

    /// What holds at a subschema: its base URI, its resource and its dialect.
    struct Scope {
        var base: URIReference
        var resource: String
        var vocabularies: Vocabularies
        /// Written for an earlier draft: the array form of `items` and friends apply.
        var legacy: Bool
    }

    /// Base URI of a schema given without one and without `$id`.
    static let defaultBaseURI = URIReference("vigil:///schema.json")

    let registry: SchemaRegistry
    let options: SchemaOptions
    private(set) var nodes: [Schema.Node] = []
    private var documents: [JSONValue] = []
    private var documentURIs: [String] = []
    private var resourceRoots: [String: Location] = [:]
    private var anchors: [String: Location] = [:]
    private var dynamicAnchors: [String: Set<String>] = [:]
    private var scopes: [Location: Scope] = [:]
    private var nodeIndex: [Location: Int] = [:]
    private var resourceIndex: [String: Int] = [:]
    private var resourceURIs: [String] = []

    init(registry: SchemaRegistry, options: SchemaOptions) {
        self.registry = registry
        self.options = options
    }

    mutating func compileRoot(_ document: JSONValue, baseURI: URIReference) throws(SchemaError) -> Int {
        let location = try addDocument(document, uri: baseURI.withoutFragment)
        let root = try compileNode(at: location)
        // Any resource in scope at run time may answer a $dynamicRef: compile every
        // dynamic anchor now (compiling one may load further documents, hence the loop).
        var compiled = 0
        while true {
            let pending = dynamicAnchors.flatMap { uri, names in names.map { "\(uri)#\($0)" } }.sorted()
            guard pending.count > compiled else { break }
            compiled = pending.count
            for key in pending { _ = try compileNode(at: anchors[key]!) }
        }
        return root
    }

    func resourceTable() -> [Schema.Resource] {
        resourceURIs.map { uri in
            var table: [String: Int] = [:]
            for name in dynamicAnchors[uri] ?? [] {
                if let location = anchors["\(uri)#\(name)"], let node = nodeIndex[location] { table[name] = node }
            }
            return Schema.Resource(uri: uri, dynamicAnchors: table)
        }
    }

    // MARK: Documents and resources

    private mutating func addDocument(_ document: JSONValue, uri: URIReference) throws(SchemaError) -> Location {
        let location = Location(document: documents.count, path: [])
        documents.append(document)
        documentURIs.append(uri.description)
        if resourceRoots[uri.description] == nil { resourceRoots[uri.description] = location }
        let scope = Scope(base: uri, resource: uri.description, vocabularies: .standard, legacy: false)
        try scan(document, at: location, in: scope)
        return location
    }

    /// The root of the resource named `uri`, loading it from the registry if need be.
    private mutating func resourceRoot(_ uri: String) throws(SchemaError) -> Location? {
        if let root = resourceRoots[uri] { return root }
        guard let document = registry.document(at: URIReference(uri)) else { return nil }
        _ = try addDocument(document, uri: URIReference(uri))
        return resourceRoots[uri]
    }

    /// Records the scope of every subschema under `location` and registers `$id`s and anchors.
    private mutating func scan(_ value: JSONValue, at location: Location, in parent: Scope) throws(SchemaError) {
        guard case .object(let object) = value else {
            if case .bool = value { record(parent, at: location) }
            return
        }
        var scope = parent
        if case .string(let id) = object["$id"] {
            let resolved = scope.base.resolving(id).withoutFragment
            scope.base = resolved
            scope.resource = resolved.description
            if resourceRoots[scope.resource] == nil { resourceRoots[scope.resource] = location }
        }
        if case .string(let metaschema) = object["$schema"] {
            (scope.vocabularies, scope.legacy) = try dialect(metaschema, at: location)
        }
        record(scope, at: location)
        if case .string(let anchor) = object["$anchor"] {
            anchors["\(scope.resource)#\(anchor)"] = anchors["\(scope.resource)#\(anchor)"] ?? location
        }
        if case .string(let anchor) = object["$dynamicAnchor"] {
            anchors["\(scope.resource)#\(anchor)"] = anchors["\(scope.resource)#\(anchor)"] ?? location
            dynamicAnchors[scope.resource, default: []].insert(anchor)
        }
        for (keyword, child) in object {
            guard let kind = Self.subschemaKeywords[keyword] else { continue }
            switch (kind, child) {
            case (.single, _):
                try scan(child, at: location.appending(keyword), in: scope)
            case (.array, .array(let elements)):
                for (index, element) in elements.enumerated() {
                    try scan(element, at: location.appending(keyword, String(index)), in: scope)
                }
            case (.array, _):
                // `items` as a single schema (2020-12) or an array (earlier drafts).
                try scan(child, at: location.appending(keyword), in: scope)
            case (.map, .object(let members)):
                for (name, member) in members {
                    try scan(member, at: location.appending(keyword, name), in: scope)
                }
            case (.map, _):
                break
            }
        }
    }

    private mutating func record(_ scope: Scope, at location: Location) {
        scopes[location] = scope
        if resourceIndex[scope.resource] == nil {
            resourceIndex[scope.resource] = resourceURIs.count
            resourceURIs.append(scope.resource)
        }
    }

    private enum SubschemaKind { case single, array, map }

    private static let subschemaKeywords: [String: SubschemaKind] = [
        "additionalProperties": .single, "items": .array, "contains": .single, "propertyNames": .single,
        "if": .single, "then": .single, "else": .single, "not": .single, "unevaluatedItems": .single,
        "unevaluatedProperties": .single, "contentSchema": .single, "additionalItems": .single,
        "prefixItems": .array, "allOf": .array, "anyOf": .array, "oneOf": .array,
        "$defs": .map, "definitions": .map, "properties": .map, "patternProperties": .map,
        "dependentSchemas": .map, "dependencies": .map,
    ]

    /// The vocabularies named by a `$schema` value.
    private func dialect(_ metaschema: String, at location: Location) throws(SchemaError) -> (Vocabularies, Bool) {
        let uri = URIReference(metaschema).withoutFragment.description
        if uri == Vocabularies.metaschemaURI { return (.standard, false) }
        if Vocabularies.legacyMetaschemaURIs.contains(uri) { return (.standard, true) }
        guard let document = registry.document(at: URIReference(uri)) else {
            throw SchemaError(
                location: describe(location.appending("$schema")),
                message:
                    "unknown meta-schema \"\(metaschema)\"; use \(Vocabularies.metaschemaURI) or register the meta-schema"
            )
        }
        return (try Vocabularies.declared(by: document, at: describe(location.appending("$schema"))), false)
    }

    private mutating func scope(of location: Location) throws(SchemaError) -> Scope {
        if let scope = scopes[location] { return scope }
        // A location no scan reached (a $ref into an unknown keyword): it inherits the
        // scope of its nearest scanned ancestor.
        var ancestor = location
        while !ancestor.path.isEmpty {
            ancestor.path.removeLast()
            if let scope = scopes[ancestor] {
                if let value = JSONPointer.resolve(location.path, in: documents[location.document]) {
                    try scan(value, at: location, in: scope)
                }
                return scopes[location] ?? scope
            }
        }
        throw SchemaError(location: describe(location), message: "internal error: no scope for this location")
    }

    // MARK: Nodes and references

    func describe(_ location: Location) -> String {
        let pointer = "#" + JSONPointer.string(location.path)
        return location.document == 0 ? pointer : documentURIs[location.document] + pointer
    }

    mutating func compileNode(at location: Location) throws(SchemaError) -> Int {
        if let index = nodeIndex[location] { return index }
        guard let value = JSONPointer.resolve(location.path, in: documents[location.document]) else {
            throw SchemaError(location: describe(location), message: "no schema at this location")
        }
        let scope = try scope(of: location)
        let index = nodes.count
        nodes.append(
            Schema.Node(
                body: .alwaysValid, resource: resourceIndex[scope.resource]!, location: describe(location),
                needsAnnotations: false))
        nodeIndex[location] = index
        switch value {
        case .bool(let allowed):
            nodes[index].body = allowed ? .alwaysValid : .alwaysInvalid
        case .object(let object):
            let keywords = try compileKeywords(object, at: location, in: scope)
            nodes[index].body = .keywords(keywords)
            nodes[index].needsAnnotations = keywords.contains {
                switch $0 {
                case .unevaluatedItems, .unevaluatedProperties: true
                default: false
                }
            }
        default:
            throw SchemaError(
                location: describe(location), message: "a schema must be an object or a boolean, not \(value.typeName)")
        }
        return index
    }

    /// The location a reference designates, and for `$dynamicRef` the dynamic anchor name
    /// when the reference first lands on a `$dynamicAnchor` of that name.
    mutating func resolveReference(_ reference: String, from location: Location, keyword: String) throws(SchemaError)
        -> (Location, dynamicAnchor: String?)
    {
        let scope = try scope(of: location)
        let target = scope.base.resolving(reference)
        let resource = target.withoutFragment.description
        let fragment = URIReference.percentDecoded(target.fragment ?? "")
        let here = describe(location.appending(keyword))
        guard let root = try resourceRoot(resource) else {
            throw SchemaError(
                location: here,
                message:
                    "cannot resolve \(keyword) \"\(reference)\": no schema \(resource) is known (schemas are never fetched from the network; add it to the registry)"
            )
        }
        if fragment.isEmpty { return (root, nil) }
        if fragment.hasPrefix("/") {
            guard let tokens = JSONPointer.tokens(fragment) else {
                throw SchemaError(
                    location: here, message: "\(keyword) \"\(reference)\" has an invalid JSON Pointer fragment")
            }
            let destination = Location(document: root.document, path: root.path + tokens)
            guard JSONPointer.resolve(destination.path, in: documents[destination.document]) != nil else {
                throw SchemaError(
                    location: here,
                    message: "cannot resolve \(keyword) \"\(reference)\": nothing at \(fragment) in \(resource)")
            }
            return (destination, nil)
        }
        guard let anchored = anchors["\(resource)#\(fragment)"] else {
            throw SchemaError(
                location: here,
                message: "cannot resolve \(keyword) \"\(reference)\": no anchor \"\(fragment)\" in \(resource)")
        }
        let declaresDynamicAnchor =
            JSONPointer.resolve(anchored.path, in: documents[anchored.document])?["$dynamicAnchor"] == .string(fragment)
        return (anchored, declaresDynamicAnchor ? fragment : nil)
    }
}
