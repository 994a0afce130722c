extension Evaluator {
    /// Keywords that apply subschemas to an array's items or an object's members.
    mutating func applyToChildren(
        _ keyword: Keyword, of node: Int, to instance: JSONValue, _ path: InstancePath,
        _ annotations: inout Annotations?
    ) -> Bool {
        var none: Annotations? = nil
        switch keyword {
        case .prefixItems(let nodes):
            guard case .array(let items) = instance else { return true }
            var valid = true
            let count = min(nodes.count, items.count)
            for position in 0..<count where !evaluate(nodes[position], items[position], child(path, position), &none) {
                valid = false
                if !collectsErrors { return false }
            }
            if var evaluated = annotations {
                if count == items.count {
                    evaluated.allItems = true
                } else {
                    evaluated.itemPrefix = max(evaluated.itemPrefix, count)
                }
                annotations = evaluated
            }
            return valid

        case .items(let subschema, let prefixCount):
            guard case .array(let items) = instance, items.count > prefixCount else { return true }
            var valid = true
            for position in prefixCount..<items.count
            where !checkExtraItem(
                position, items[position], subschema, node, "items", path,
                "the array may have at most \(prefixCount) items")
            {
                valid = false
                if !collectsErrors { return false }
            }
            annotations?.allItems = true
            return valid

        case .contains(let subschema, let minimum, let maximum):
            guard case .array(let items) = instance else { return true }
            var matching: [Int] = []
            for (position, item) in items.enumerated() {
                let itemPath = child(path, position)
                if quietly({ $0.evaluate(subschema, item, itemPath, &none) }) { matching.append(position) }
            }
            annotations?.items.formUnion(matching)
            if matching.count < minimum {
                fail(
                    node, "contains", path,
                    matching.isEmpty
                        ? "no item matches the \"contains\" schema\(minimum > 1 ? "; at least \(minimum) must" : "")"
                        : "only \(matching.count) items match the \"contains\" schema; at least \(minimum) must")
                return false
            }
            if let maximum, matching.count > maximum {
                fail(
                    node, "contains", path,
                    "\(matching.count) items match the \"contains\" schema; at most \(maximum) may")
                return false
            }
            return true

        case .properties(let schemas):
            guard case .object(let object) = instance else { return true }
            var valid = true
            // Walk the smaller side on the fast path; when reporting, walk the instance so
            // errors come in the order the instance was written.
            if !collectsErrors && schemas.count < object.count {
                for (name, subschema) in schemas {
                    guard let value = object[name] else { continue }
                    annotations?.properties.insert(name)
                    if !evaluate(subschema, value, child(path, name), &none) {
                        valid = false
                        if !collectsErrors { return false }
                    }
                }
            } else {
                for (name, value) in object {
                    guard let subschema = schemas[name] else { continue }
                    annotations?.properties.insert(name)
                    if !evaluate(subschema, value, child(path, name), &none) {
                        valid = false
                        if !collectsErrors { return false }
                    }
                }
            }
            return valid

        case .patternProperties(let patterns):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for (name, value) in object {
                for (regex, subschema) in patterns where regex.matches(name) {
                    annotations?.properties.insert(name)
                    if !evaluate(subschema, value, child(path, name), &none) {
                        valid = false
                        if !collectsErrors { return false }
                    }
                }
            }
            return valid

        case .additionalProperties(let subschema, let known, let patterns):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for (name, value) in object where !known.contains(name) && !patterns.contains(where: { $0.matches(name) }) {
                annotations?.properties.insert(name)
                if !checkExtra(name, value, subschema, node, "additionalProperties", path) {
                    valid = false
                    if !collectsErrors { return false }
                }
            }
            return valid

        case .propertyNames(let subschema):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for (name, _) in object where !evaluate(subschema, .string(name), child(path, name), &none) {
                valid = false
                if !collectsErrors { return false }
            }
            return valid

        case .unevaluatedItems(let subschema):
            guard case .array(let items) = instance else { return true }
            let evaluated = annotations ?? Annotations()
            var valid = true
            for (position, item) in items.enumerated() where !evaluated.isEvaluated(item: position) {
                if !checkExtraItem(
                    position, item, subschema, node, "unevaluatedItems", path,
                    "no schema evaluates it and unevaluatedItems is false")
                {
                    valid = false
                    if !collectsErrors { return false }
                }
            }
            annotations?.allItems = true
            return valid

        case .unevaluatedProperties(let subschema):
            guard case .object(let object) = instance else { return true }
            let evaluated = annotations ?? Annotations()
            var valid = true
            for (name, value) in object where !evaluated.isEvaluated(property: name) {
                if !checkExtra(name, value, subschema, node, "unevaluatedProperties", path) {
                    valid = false
                    if !collectsErrors { return false }
                }
            }
            annotations?.allProperties = true
            return valid

        default:
            return applyAssertion(keyword, of: node, to: instance, path)
        }
    }

    /// A property no `properties`/`patternProperties` named: "property "promt" is not
    /// allowed" when the schema is `false`, the subschema's own errors otherwise.
    private mutating func checkExtra(
        _ name: String, _ value: JSONValue, _ subschema: Int, _ node: Int, _ keyword: String, _ path: InstancePath
    ) -> Bool {
        if schema.nodes[subschema].isAlwaysInvalid {
            fail(node, keyword, child(path, name), "property \"\(name)\" is not allowed")
            return false
        }
        var none: Annotations? = nil
        return evaluate(subschema, value, child(path, name), &none)
    }

    private mutating func checkExtraItem(
        _ position: Int, _ item: JSONValue, _ subschema: Int, _ node: Int, _ keyword: String, _ path: InstancePath,
        _ reason: String
    ) -> Bool {
        if schema.nodes[subschema].isAlwaysInvalid {
            fail(node, keyword, child(path, position), "item \(position) is not allowed: \(reason)")
            return false
        }
        var none: Annotations? = nil
        return evaluate(subschema, item, child(path, position), &none)
    }
}

extension Schema.Node {
    var isAlwaysInvalid: Bool {
        if case .alwaysInvalid = body { return true }
        return false
    }
}
