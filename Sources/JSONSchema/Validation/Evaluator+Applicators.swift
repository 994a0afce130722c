extension Evaluator {
    /// Applies one keyword of node `node`; `annotations` is non-nil when they are wanted.
    mutating func apply(
        _ keyword: Keyword, of node: Int, to instance: JSONValue, _ path: InstancePath,
        _ annotations: inout Annotations?
    ) -> Bool {
        switch keyword {
        case .ref(let target):
            return evaluate(target, instance, path, &annotations)

        case .dynamicRef(let initial, let anchor):
            var target = initial
            if let anchor {
                for resource in dynamicScope {
                    if let found = schema.resources[resource].dynamicAnchors[anchor] {
                        target = found
                        break
                    }
                }
            }
            return evaluate(target, instance, path, &annotations)

        case .allOf(let nodes):
            var valid = true
            for subschema in nodes where !evaluate(subschema, instance, path, &annotations) {
                valid = false
                if !collectsErrors { break }
            }
            return valid

        case .anyOf(let nodes):
            var matched = false
            for subschema in nodes {
                if quietly({ $0.evaluate(subschema, instance, path, &annotations) }) {
                    matched = true
                    // Every matching alternative annotates, so keep going only if asked to.
                    if annotations == nil { break }
                }
            }
            if !matched {
                fail(
                    node, "anyOf", path,
                    "\(instance.typeName) value matches none of the \(nodes.count) alternatives of anyOf (the closest one's errors follow)"
                )
                explainClosest(nodes, instance, path)
            }
            return matched

        case .oneOf(let nodes):
            var matches: [Int] = []
            for (position, subschema) in nodes.enumerated() {
                var branch: Annotations? = annotations == nil ? nil : Annotations()
                if quietly({ $0.evaluate(subschema, instance, path, &branch) }) {
                    matches.append(position)
                    if let branch { annotations?.merge(branch) }
                    if matches.count > 1 { break }
                }
            }
            if matches.isEmpty {
                fail(
                    node, "oneOf", path,
                    "\(instance.typeName) value matches none of the \(nodes.count) alternatives of oneOf (the closest one's errors follow)"
                )
                explainClosest(nodes, instance, path)
            } else if matches.count > 1 {
                fail(
                    node, "oneOf", path,
                    "value matches more than one alternative in oneOf (alternatives \(matches[0]) and \(matches[1])); exactly one must match"
                )
            }
            return matches.count == 1

        case .not(let subschema):
            var none: Annotations? = nil
            let matched = quietly { $0.evaluate(subschema, instance, path, &none) }
            if matched { fail(node, "not", path, "value must not match the schema in \"not\"") }
            return !matched

        case .conditional(let condition, let then, let otherwise):
            if quietly({ $0.evaluate(condition, instance, path, &annotations) }) {
                guard let then else { return true }
                return evaluate(then, instance, path, &annotations)
            }
            guard let otherwise else { return true }
            return evaluate(otherwise, instance, path, &annotations)

        case .dependentSchemas(let entries):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for (name, subschema) in entries where object[name] != nil {
                if !evaluate(subschema, instance, path, &annotations) {
                    valid = false
                    if !collectsErrors { break }
                }
            }
            return valid

        default:
            return applyToChildren(keyword, of: node, to: instance, path, &annotations)
        }
    }
}
