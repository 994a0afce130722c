/// Applies a compiled schema to one instance.
///
/// Two modes: `collectsErrors == false` answers valid/invalid and stops at the first
/// failure (the fast path); `true` walks everything and records each error with its
/// instance and keyword location. `Schema.validate` runs the second only when the first
/// said invalid, so valid instances never pay for error reporting.
struct Evaluator {
    let schema: Schema
    /// Whether failures are being recorded now; switched off while applicators such as
    /// `anyOf` and `not` try subschemas whose failures are expected.
    var collectsErrors: Bool
    /// Whether instance paths are built at all (fixed for the evaluator's life).
    let tracksPaths: Bool
    private(set) var errors: [ValidationError] = []
    /// Resources entered, outermost first: where `$dynamicRef` looks for its anchor.
    var dynamicScope: [Int] = []
    var depth = 0

    init(schema: Schema, collectsErrors: Bool) {
        self.schema = schema
        self.collectsErrors = collectsErrors
        self.tracksPaths = collectsErrors
    }

    mutating func validate(_ instance: JSONValue) -> Bool {
        var annotations: Annotations? = nil
        return evaluate(schema.root, instance, .root, &annotations)
    }

    mutating func fail(_ node: Int, _ keyword: String, _ path: InstancePath, _ message: @autoclosure () -> String) {
        guard collectsErrors else { return }
        errors.append(
            ValidationError(
                instanceLocation: path.pointer,
                keywordLocation: keyword.isEmpty
                    ? schema.nodes[node].location : schema.nodes[node].location + "/" + keyword,
                keyword: keyword,
                message: message()))
    }

    func child(_ path: InstancePath, _ key: String) -> InstancePath {
        tracksPaths ? .key(path, key) : path
    }

    func child(_ path: InstancePath, _ index: Int) -> InstancePath {
        tracksPaths ? .index(path, index) : path
    }

    /// Evaluates node `index` against `instance`. When `annotations` is non-nil the caller
    /// wants to know what was evaluated (for `unevaluated*`); they are merged in only when
    /// the node is valid, as the specification drops annotations of failing schemas.
    mutating func evaluate(_ index: Int, _ instance: JSONValue, _ path: InstancePath, _ annotations: inout Annotations?)
        -> Bool
    {
        let node = schema.nodes[index]
        let keywords: [Keyword]
        switch node.body {
        case .alwaysValid:
            return true
        case .alwaysInvalid:
            fail(index, "", path, "no value is allowed here (the schema is false)")
            return false
        case .keywords(let list):
            keywords = list
        }
        let maximumDepth = schema.options.maximumDepth
        guard depth < maximumDepth else {
            fail(
                index, "", path,
                "validation nested deeper than \(maximumDepth) levels (a deeply nested instance, or a $ref cycle that never advances)"
            )
            return false
        }
        depth += 1
        let enteredResource = dynamicScope.last != node.resource
        if enteredResource { dynamicScope.append(node.resource) }
        defer {
            depth -= 1
            if enteredResource { dynamicScope.removeLast() }
        }

        var local: Annotations? = (annotations != nil || node.needsAnnotations) ? Annotations() : nil
        var valid = true
        for keyword in keywords where !apply(keyword, of: index, to: instance, path, &local) {
            valid = false
            if !collectsErrors { break }
        }
        if valid, annotations != nil, let local { annotations!.merge(local) }
        return valid
    }

    /// Runs `body` with error recording off (for subschemas whose failure is not an error
    /// by itself), restoring the previous mode afterwards.
    mutating func quietly<T>(_ body: (inout Evaluator) -> T) -> T {
        let saved = collectsErrors
        collectsErrors = false
        defer { collectsErrors = saved }
        return body(&self)
    }

    /// The errors `node` alone gives for `instance`: used to explain a failed `anyOf`/`oneOf`.
    mutating func errors(of node: Int, _ instance: JSONValue, _ path: InstancePath) -> [ValidationError] {
        let saved = errors
        errors = []
        var none: Annotations? = nil
        _ = evaluate(node, instance, path, &none)
        let found = errors
        errors = saved
        return found
    }

    /// Records the errors of the alternative that came closest: one that accepts the value's
    /// shape beats one that wants another type or value, then the fewest errors wins.
    mutating func explainClosest(_ nodes: [Int], _ instance: JSONValue, _ path: InstancePath) {
        guard collectsErrors else { return }
        let here = path.pointer
        var best: (rank: (Int, Int), errors: [ValidationError])? = nil
        for node in nodes {
            let found = errors(of: node, instance, path)
            guard !found.isEmpty else { continue }
            // An alternative that rejects the value as a whole (wrong type, not in its enum)
            // explains less than one that accepts its shape and objects to a part of it.
            let wrongType =
                found.contains { ["type", "enum", "const"].contains($0.keyword) && $0.instanceLocation == here } ? 1 : 0
            let rank = (wrongType, found.count)
            if best == nil || rank < best!.rank { best = (rank, found) }
        }
        errors.append(contentsOf: best?.errors ?? [])
    }
}
