import Foundation
import JSONSchema

/// Turns the job schema's validation errors into diagnostics a person can act on: at the
/// key or value's line and column, named by its path (`model.timeout`), with a code per
/// kind of problem and "did you mean" where a typo is likely.
enum JobSchemaDiagnostics {
    static func diagnostics(for errors: [ValidationError], in tree: LocatedValue) -> [Diagnostic] {
        // An anyOf/oneOf summary adds nothing when its closest alternative's errors (at the
        // same place or below) are reported too.
        let explained = errors.filter { $0.keyword != "anyOf" && $0.keyword != "oneOf" }
        return errors.compactMap { error in
            if error.keyword == "anyOf" || error.keyword == "oneOf",
                explained.contains(where: { $0.instanceLocation.hasPrefix(error.instanceLocation) })
            {
                return nil
            }
            return diagnostic(for: error, in: tree)
        }
    }

    /// `inputs[0].glob` for `/inputs/0/glob`; `the job` for the root.
    static func path(_ pointer: String) -> String {
        guard let tokens = JSONPointer.tokens(pointer), !tokens.isEmpty else { return "the job" }
        var text = ""
        for token in tokens {
            if let index = Int(token) { text += "[\(index)]" } else { text += text.isEmpty ? token : ".\(token)" }
        }
        return text
    }

    private static func parentPointer(_ pointer: String) -> String {
        guard let slash = pointer.lastIndex(of: "/") else { return "" }
        return String(pointer[..<slash])
    }

    private static func lastToken(_ pointer: String) -> String {
        JSONPointer.tokens(pointer)?.last ?? ""
    }

    private static func schemaPointer(_ keywordLocation: String) -> String {
        keywordLocation.hasPrefix("#") ? String(keywordLocation.dropFirst()) : keywordLocation
    }

    /// The `description` of the schema node that holds a keyword (following one `$ref`).
    private static func describedAs(_ keywordLocation: String) -> String? {
        let holder = parentPointer(schemaPointer(keywordLocation))
        guard let tokens = JSONPointer.tokens(holder), let node = JSONPointer.resolve(tokens, in: JobSchema.document)
        else { return nil }
        return node["description"]?.stringValue
    }

    /// "provider is \"openai\"" for a keyword under `allOf/N/then`, from the matching `if`.
    private static func condition(of keywordLocation: String) -> String? {
        let pointer = schemaPointer(keywordLocation)
        guard let range = pointer.range(of: "/then/") else { return nil }
        let conditionPointer = String(pointer[..<range.lowerBound]) + "/if"
        guard let tokens = JSONPointer.tokens(conditionPointer),
            let condition = JSONPointer.resolve(tokens, in: JobSchema.document),
            let (key, value) = condition["properties"]?.objectValue?.first, let constant = value["const"]
        else { return nil }
        return "\(key) is \(constant.jsonText())"
    }

    private static func diagnostic(for error: ValidationError, in tree: LocatedValue) -> Diagnostic {
        let at = tree.location(ofPointer: error.instanceLocation)
        let path = Self.path(error.instanceLocation)
        let note = "schema: \(error.keywordLocation)"
        switch error.keyword {
        case "additionalProperties":
            let key = lastToken(error.instanceLocation)
            let allowed = JobSchema.allowedKeys(atSchemaPointer: parentPointer(schemaPointer(error.keywordLocation)))
            let parent = parentPointer(error.instanceLocation)
            let place = parent.isEmpty ? "at the top level" : "in \(self.path(parent))"
            let hint =
                Suggestion.nearest(to: key, in: allowed).map { "did you mean \"\($0)\"?" }
                ?? (allowed.isEmpty ? nil : "allowed here: \(allowed.sorted().joined(separator: ", "))")
            return Diagnostic(
                .unknownKey, "unknown key \"\(key)\" \(place)",
                at: tree.location(ofPointer: error.instanceLocation, preferKey: true), hint: hint)
        case "":
            // A `false` subschema: a key excluded by a condition (e.g. the provider).
            let key = lastToken(error.instanceLocation)
            let when = condition(of: error.keywordLocation).map { " when \($0)" } ?? ""
            return Diagnostic(
                .conflictingKey,
                "key \"\(key)\" is not allowed in \(Self.path(parentPointer(error.instanceLocation)))\(when)",
                at: tree.location(ofPointer: error.instanceLocation, preferKey: true), note: note)
        case "required":
            let key = error.message.split(separator: "\"").dropFirst().first.map(String.init) ?? "?"
            if error.instanceLocation == "/prompt", key == "sha256" {
                return Diagnostic(
                    .promptNotPinned, "the prompt is not pinned: prompt.sha256 is missing", at: at,
                    hint: "run `vigil pin <job>` to write the prompt file's sha256 into the job")
            }
            let when = condition(of: error.keywordLocation).map { " (required when \($0))" } ?? ""
            let place = error.instanceLocation.isEmpty ? "at the top level" : "in \(path)"
            return Diagnostic(
                .missingKey, "missing key \"\(key)\" \(place)\(when)", at: at,
                hint: describedKey(key, under: error.keywordLocation))
        case "type":
            return Diagnostic(.wrongType, "\(path): \(error.message)", at: at, note: note)
        case "enum", "const":
            var hint: String? = nil
            if let value = JSONPointer.tokens(error.instanceLocation).flatMap({ JSONPointer.resolve($0, in: tree.json) }
            )?.stringValue,
                let tokens = JSONPointer.tokens(schemaPointer(error.keywordLocation)),
                let allowed = JSONPointer.resolve(tokens, in: JobSchema.document)?.arrayValue?.compactMap(
                    \.stringValue),
                let nearest = Suggestion.nearest(to: value, in: allowed)
            {
                hint = "did you mean \"\(nearest)\"?"
            }
            return Diagnostic(.notAllowedValue, "\(path): \(error.message)", at: at, hint: hint)
        case "pattern":
            return Diagnostic(
                .malformedValue, "\(path): \(error.message)", at: at, hint: describedAs(error.keywordLocation))
        case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems",
            "maxItems",
            "minProperties", "maxProperties", "uniqueItems":
            return Diagnostic(.outOfRange, "\(path): \(error.message)", at: at, note: note)
        case "not" where error.keywordLocation.contains("/input/"):
            return Diagnostic(
                .conflictingKey, "\(path): an input is either {glob, exclude} or {jsonl, id_field}, not a mix", at: at)
        default:
            return Diagnostic(.schemaMismatch, "\(path): \(error.message)", at: at, note: note)
        }
    }

    /// A missing key's description, from the schema object whose `required` names it.
    private static func describedKey(_ key: String, under keywordLocation: String) -> String? {
        var holder = parentPointer(schemaPointer(keywordLocation))
        if holder.hasSuffix("/then") {
            // Required by a condition: the key's description sits on the conditioned object.
            holder = parentPointer(parentPointer(parentPointer(holder)))
        }
        guard let tokens = JSONPointer.tokens(holder), let node = JSONPointer.resolve(tokens, in: JobSchema.document),
            let description = node["properties"]?[key]?["description"]?.stringValue
        else { return nil }
        return "\(key): \(description)"
    }
}
