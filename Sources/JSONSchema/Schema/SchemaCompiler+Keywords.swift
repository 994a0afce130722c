extension SchemaCompiler {
    /// Compiles the keywords of one schema object that its dialect's vocabularies define.
    /// Unknown keywords are annotations and ignored; a known keyword with a malformed value
    /// is an error. `unevaluated*` come last, after every keyword that annotates.
    mutating func compileKeywords(_ object: JSONObject, at location: Location, in scope: Scope) throws(SchemaError)
        -> [Keyword]
    {
        var keywords: [Keyword] = []
        let vocabularies = scope.vocabularies

        if case .string(let reference)? = object["$ref"] {
            let (target, _) = try resolveReference(reference, from: location, keyword: "$ref")
            keywords.append(.ref(try compileNode(at: target)))
        } else if object["$ref"] != nil {
            throw malformed("$ref", at: location, "must be a URI reference string")
        }
        if case .string(let reference)? = object["$dynamicRef"] {
            let (target, anchor) = try resolveReference(reference, from: location, keyword: "$dynamicRef")
            keywords.append(.dynamicRef(initial: try compileNode(at: target), anchor: anchor))
        }
        if vocabularies.contains(.validation) {
            try compileValidationKeywords(object, at: location, into: &keywords)
        }
        if vocabularies.contains(.applicator) {
            try compileApplicatorKeywords(object, at: location, in: scope, into: &keywords)
        }
        if case .string(let name)? = object["format"],
            vocabularies.contains(.formatAssertion) || options.assertsFormat,
            let checker = FormatChecker(name: name)
        {
            keywords.append(.format(checker))
        }
        if vocabularies.contains(.unevaluated) {
            if object["unevaluatedItems"] != nil {
                keywords.append(.unevaluatedItems(try compileNode(at: location.appending("unevaluatedItems"))))
            }
            if object["unevaluatedProperties"] != nil {
                keywords.append(
                    .unevaluatedProperties(try compileNode(at: location.appending("unevaluatedProperties"))))
            }
        }
        return keywords
    }

    private func malformed(_ keyword: String, at location: Location, _ requirement: String) -> SchemaError {
        SchemaError(location: describe(location.appending(keyword)), message: "\"\(keyword)\" \(requirement)")
    }

    private func nonNegativeInteger(_ object: JSONObject, _ keyword: String, at location: Location) throws(SchemaError)
        -> Int?
    {
        guard let value = object[keyword] else { return nil }
        // (Written as a switch: a guard-case form of this crashed the 6.3.1 optimizer.)
        switch value {
        case .number(let number) where number.isInteger && !number.isNegative:
            if let exact = number.int64Value { return Int(clamping: exact) }
            return Int.max
        default:
            throw malformed(keyword, at: location, "must be a non-negative integer")
        }
    }

    private func number(_ object: JSONObject, _ keyword: String, at location: Location) throws(SchemaError)
        -> JSONNumber?
    {
        guard let value = object[keyword] else { return nil }
        guard case .number(let number) = value else { throw malformed(keyword, at: location, "must be a number") }
        return number
    }

    private func stringArray(_ value: JSONValue, _ keyword: String, at location: Location) throws(SchemaError)
        -> [String]
    {
        guard case .array(let elements) = value else {
            throw malformed(keyword, at: location, "must be an array of strings")
        }
        var strings: [String] = []
        for element in elements {
            guard case .string(let string) = element else {
                throw malformed(keyword, at: location, "must be an array of strings")
            }
            strings.append(string)
        }
        return strings
    }

    private func regex(_ source: String, _ keyword: String, at location: Location) throws(SchemaError) -> ECMARegex {
        do {
            return try ECMARegex(source)
        } catch {
            throw SchemaError(
                location: describe(location.appending(keyword)), message: "\"\(source)\" is \(error.message)")
        }
    }

    private mutating func compileValidationKeywords(
        _ object: JSONObject, at location: Location, into keywords: inout [Keyword]
    ) throws(SchemaError) {
        if let type = object["type"] {
            var set: JSONTypeSet = []
            let names: [JSONValue] = type.arrayValue ?? [type]
            for name in names {
                guard case .string(let text) = name, let member = JSONTypeSet(name: text) else {
                    throw malformed(
                        "type", at: location,
                        "must be one of null, boolean, integer, number, string, array, object (or an array of them)")
                }
                set.insert(member)
            }
            keywords.append(.type(set))
        }
        if let values = object["enum"] {
            guard case .array(let elements) = values else { throw malformed("enum", at: location, "must be an array") }
            keywords.append(.enumeration(elements))
        }
        if let constant = object["const"] { keywords.append(.constant(constant)) }
        if let divisor = try number(object, "multipleOf", at: location) {
            guard !divisor.isNegative, divisor != JSONNumber(0) else {
                throw malformed("multipleOf", at: location, "must be greater than 0")
            }
            keywords.append(.multipleOf(divisor))
        }
        if let limit = try number(object, "maximum", at: location) { keywords.append(.maximum(limit)) }
        if let limit = try number(object, "exclusiveMaximum", at: location) {
            keywords.append(.exclusiveMaximum(limit))
        }
        if let limit = try number(object, "minimum", at: location) { keywords.append(.minimum(limit)) }
        if let limit = try number(object, "exclusiveMinimum", at: location) {
            keywords.append(.exclusiveMinimum(limit))
        }
        if let limit = try nonNegativeInteger(object, "maxLength", at: location) { keywords.append(.maxLength(limit)) }
        if let limit = try nonNegativeInteger(object, "minLength", at: location) { keywords.append(.minLength(limit)) }
        if let pattern = object["pattern"] {
            guard case .string(let source) = pattern else {
                throw malformed("pattern", at: location, "must be a string")
            }
            keywords.append(.pattern(try regex(source, "pattern", at: location)))
        }
        if let limit = try nonNegativeInteger(object, "maxItems", at: location) { keywords.append(.maxItems(limit)) }
        if let limit = try nonNegativeInteger(object, "minItems", at: location) { keywords.append(.minItems(limit)) }
        if object["uniqueItems"] == .bool(true) { keywords.append(.uniqueItems) }
        if let limit = try nonNegativeInteger(object, "maxProperties", at: location) {
            keywords.append(.maxProperties(limit))
        }
        if let limit = try nonNegativeInteger(object, "minProperties", at: location) {
            keywords.append(.minProperties(limit))
        }
        if let required = object["required"] {
            keywords.append(.required(try stringArray(required, "required", at: location)))
        }
        if let dependent = object["dependentRequired"] {
            guard case .object(let members) = dependent else {
                throw malformed("dependentRequired", at: location, "must be an object")
            }
            var entries: [(name: String, required: [String])] = []
            for (name, value) in members {
                entries.append((name, try stringArray(value, "dependentRequired", at: location)))
            }
            keywords.append(.dependentRequired(entries))
        }
    }

    private mutating func subschemas(_ object: JSONObject, _ keyword: String, at location: Location) throws(SchemaError)
        -> [Int]?
    {
        guard let value = object[keyword] else { return nil }
        guard case .array(let elements) = value, !elements.isEmpty else {
            throw malformed(keyword, at: location, "must be a non-empty array of schemas")
        }
        var nodes: [Int] = []
        for index in elements.indices { nodes.append(try compileNode(at: location.appending(keyword, String(index)))) }
        return nodes
    }

    private mutating func schemaMap(_ object: JSONObject, _ keyword: String, at location: Location) throws(SchemaError)
        -> [(String, Int)]?
    {
        guard let value = object[keyword] else { return nil }
        guard case .object(let members) = value else {
            throw malformed(keyword, at: location, "must be an object whose values are schemas")
        }
        var entries: [(String, Int)] = []
        for (name, _) in members { entries.append((name, try compileNode(at: location.appending(keyword, name)))) }
        return entries
    }

    private mutating func compileApplicatorKeywords(
        _ object: JSONObject, at location: Location, in scope: Scope, into keywords: inout [Keyword]
    ) throws(SchemaError) {
        if let nodes = try subschemas(object, "allOf", at: location) { keywords.append(.allOf(nodes)) }
        if let nodes = try subschemas(object, "anyOf", at: location) { keywords.append(.anyOf(nodes)) }
        if let nodes = try subschemas(object, "oneOf", at: location) { keywords.append(.oneOf(nodes)) }
        if object["not"] != nil { keywords.append(.not(try compileNode(at: location.appending("not")))) }
        if object["if"] != nil {
            keywords.append(
                .conditional(
                    if: try compileNode(at: location.appending("if")),
                    then: object["then"] == nil ? nil : try compileNode(at: location.appending("then")),
                    else: object["else"] == nil ? nil : try compileNode(at: location.appending("else"))))
        }
        if let entries = try schemaMap(object, "dependentSchemas", at: location) {
            keywords.append(.dependentSchemas(entries.map { (name: $0.0, node: $0.1) }))
        }
        if case .object(let dependencies)? = object["dependencies"] {
            // Earlier drafts' `dependencies`, still honoured for compatibility: an array
            // means dependentRequired, a schema dependentSchemas.
            var required: [(name: String, required: [String])] = []
            var schemas: [(name: String, node: Int)] = []
            for (name, value) in dependencies {
                if case .array = value {
                    required.append((name, try stringArray(value, "dependencies", at: location)))
                } else {
                    schemas.append((name, try compileNode(at: location.appending("dependencies", name))))
                }
            }
            if !required.isEmpty { keywords.append(.dependentRequired(required)) }
            if !schemas.isEmpty { keywords.append(.dependentSchemas(schemas)) }
        }

        var prefixCount = 0
        if !scope.legacy, let nodes = try subschemas(object, "prefixItems", at: location) {
            keywords.append(.prefixItems(nodes))
            prefixCount = nodes.count
        }
        if let items = object["items"] {
            if scope.legacy, case .array = items {
                let nodes = try subschemas(object, "items", at: location)!
                keywords.append(.prefixItems(nodes))
                if object["additionalItems"] != nil {
                    keywords.append(
                        .items(try compileNode(at: location.appending("additionalItems")), prefixCount: nodes.count))
                }
            } else {
                keywords.append(.items(try compileNode(at: location.appending("items")), prefixCount: prefixCount))
            }
        }
        if object["contains"] != nil {
            let validation = scope.vocabularies.contains(.validation)
            let minimum = validation ? try nonNegativeInteger(object, "minContains", at: location) ?? 1 : 1
            let maximum = validation ? try nonNegativeInteger(object, "maxContains", at: location) : nil
            keywords.append(
                .contains(try compileNode(at: location.appending("contains")), minimum: minimum, maximum: maximum))
        }

        var known: Set<String> = []
        if let entries = try schemaMap(object, "properties", at: location) {
            keywords.append(.properties(Dictionary(entries, uniquingKeysWith: { first, _ in first })))
            known = Set(entries.map(\.0))
        }
        var patterns: [ECMARegex] = []
        if let entries = try schemaMap(object, "patternProperties", at: location) {
            var compiled: [(regex: ECMARegex, node: Int)] = []
            for (source, node) in entries {
                compiled.append((try regex(source, "patternProperties", at: location), node))
            }
            keywords.append(.patternProperties(compiled))
            patterns = compiled.map(\.regex)
        }
        if object["additionalProperties"] != nil {
            keywords.append(
                .additionalProperties(
                    try compileNode(at: location.appending("additionalProperties")), known: known, patterns: patterns))
        }
        if object["propertyNames"] != nil {
            keywords.append(.propertyNames(try compileNode(at: location.appending("propertyNames"))))
        }
    }
}
