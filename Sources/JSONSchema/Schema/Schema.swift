/// A compiled JSON Schema (draft 2020-12): compile once, validate many instances.
///
/// ```swift
/// let schema = try Schema(JSONParser().parse(schemaText))
/// let errors = schema.validate(instance)   // [] when valid
/// ```
public struct Schema: Sendable {
    struct Node: Sendable {
        enum Body: Sendable {
            case alwaysValid
            case alwaysInvalid
            case keywords([Keyword])
        }
        var body: Body
        /// Index into `resources`: the schema resource this node belongs to (dynamic scope).
        var resource: Int
        /// Location of the node for error messages: `#/properties/a` or `uri#/pointer`.
        var location: String
        /// The node holds `unevaluatedProperties`/`unevaluatedItems` and so must collect
        /// annotations from its other keywords.
        var needsAnnotations: Bool
    }

    struct Resource: Sendable {
        var uri: String
        /// `$dynamicAnchor` names declared in this resource, and their nodes.
        var dynamicAnchors: [String: Int]
    }

    let nodes: [Node]
    let resources: [Resource]
    let root: Int
    public let options: SchemaOptions

    /// Compiles `document`, resolving every reference up front.
    ///
    /// - Parameters:
    ///   - baseURI: the document's own URI (e.g. its `file:` URL), used for relative
    ///     references and messages; a `$id` in the document takes precedence.
    ///   - registry: where remote references are looked up; nothing is fetched otherwise.
    public init(
        _ document: JSONValue, baseURI: String? = nil, registry: SchemaRegistry = SchemaRegistry(),
        options: SchemaOptions = SchemaOptions()
    ) throws(SchemaError) {
        var compiler = SchemaCompiler(registry: registry, options: options)
        root = try compiler.compileRoot(
            document, baseURI: baseURI.map(URIReference.init) ?? SchemaCompiler.defaultBaseURI)
        nodes = compiler.nodes
        resources = compiler.resourceTable()
        self.options = options
    }

    /// Whether `instance` is valid; the fast path, which stops at the first failure.
    public func isValid(_ instance: JSONValue) -> Bool {
        var evaluator = Evaluator(schema: self, collectsErrors: false)
        return evaluator.validate(instance)
    }

    /// Every reason `instance` is invalid, in schema order; empty when it is valid.
    public func validate(_ instance: JSONValue) -> [ValidationError] {
        if isValid(instance) { return [] }
        var evaluator = Evaluator(schema: self, collectsErrors: true)
        _ = evaluator.validate(instance)
        return evaluator.errors
    }
}

/// How a schema is compiled and applied.
public struct SchemaOptions: Sendable {
    /// Treat `format` as an assertion (a `date` that is not a date fails), as the
    /// format-assertion vocabulary does. Off by default: 2020-12 makes `format` an annotation.
    public var assertsFormat: Bool
    /// Deepest nesting of schema evaluation; deeper instances or `$ref` cycles that do not
    /// advance through the instance give a validation error instead of exhausting the stack.
    public var maximumDepth: Int

    public init(assertsFormat: Bool = false, maximumDepth: Int = 200) {
        self.assertsFormat = assertsFormat
        self.maximumDepth = maximumDepth
    }
}
