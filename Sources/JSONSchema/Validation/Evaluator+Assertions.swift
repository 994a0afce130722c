extension Evaluator {
    /// Keywords that check the instance itself: type, enum, bounds, lengths, formats...
    mutating func applyAssertion(_ keyword: Keyword, of node: Int, to instance: JSONValue, _ path: InstancePath) -> Bool
    {
        let name = keyword.name
        switch keyword {
        case .type(let allowed):
            if allowed.allows(instance) { return true }
            fail(node, name, path, "expected \(allowed.description), got \(instance.typeName) \(instance.abbreviated)")
            return false

        case .enumeration(let values):
            if values.contains(instance) { return true }
            let listed = values.prefix(8).map(\.abbreviated).joined(separator: ", ") + (values.count > 8 ? ", ..." : "")
            fail(node, name, path, "\(instance.abbreviated) is not one of the allowed values: \(listed)")
            return false

        case .constant(let expected):
            if instance == expected { return true }
            fail(node, name, path, "expected \(expected.abbreviated), got \(instance.abbreviated)")
            return false

        case .multipleOf(let divisor):
            guard case .number(let number) = instance else { return true }
            if number.isMultiple(of: divisor) { return true }
            fail(node, name, path, "\(number) is not a multiple of \(divisor)")
            return false

        case .maximum(let limit):
            guard case .number(let number) = instance, number > limit else { return true }
            fail(node, name, path, "\(number) is greater than the maximum \(limit)")
            return false

        case .exclusiveMaximum(let limit):
            guard case .number(let number) = instance, number >= limit else { return true }
            fail(node, name, path, "\(number) must be less than \(limit)")
            return false

        case .minimum(let limit):
            guard case .number(let number) = instance, number < limit else { return true }
            fail(node, name, path, "\(number) is less than the minimum \(limit)")
            return false

        case .exclusiveMinimum(let limit):
            guard case .number(let number) = instance, number <= limit else { return true }
            fail(node, name, path, "\(number) must be greater than \(limit)")
            return false

        case .maxLength(let limit):
            guard case .string(let string) = instance else { return true }
            // Lengths count Unicode code points, as JSON Schema specifies.
            let length = string.unicodeScalars.count
            if length <= limit { return true }
            fail(
                node, name, path,
                "string is \(length) characters long; at most \(Self.plural(limit, "character")) allowed")
            return false

        case .minLength(let limit):
            guard case .string(let string) = instance else { return true }
            let length = string.unicodeScalars.count
            if length >= limit { return true }
            fail(
                node, name, path,
                length == 0
                    ? "string is empty; at least \(Self.plural(limit, "character")) required"
                    : "string is \(Self.plural(length, "character")) long; at least \(limit) required")
            return false

        case .pattern(let regex):
            guard case .string(let string) = instance, !regex.matches(string) else { return true }
            fail(
                node, name, path,
                "\(instance.abbreviated) does not match the pattern \(JSONValue.string(regex.source).abbreviated)")
            return false

        case .maxItems(let limit):
            guard case .array(let items) = instance, items.count > limit else { return true }
            fail(node, name, path, "array has \(Self.plural(items.count, "item")); at most \(limit) allowed")
            return false

        case .minItems(let limit):
            guard case .array(let items) = instance, items.count < limit else { return true }
            fail(node, name, path, "array has \(Self.plural(items.count, "item")); at least \(limit) required")
            return false

        case .uniqueItems:
            guard case .array(let items) = instance, let (first, second) = Self.firstDuplicate(items) else {
                return true
            }
            fail(
                node, name, path,
                "items \(first) and \(second) are equal (\(items[first].abbreviated)); items must be unique")
            return false

        case .maxProperties(let limit):
            guard case .object(let object) = instance, object.count > limit else { return true }
            fail(
                node, name, path,
                "object has \(Self.plural(object.count, "property", "properties")); at most \(limit) allowed")
            return false

        case .minProperties(let limit):
            guard case .object(let object) = instance, object.count < limit else { return true }
            fail(
                node, name, path,
                "object has \(Self.plural(object.count, "property", "properties")); at least \(limit) required")
            return false

        case .required(let names):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for required in names where object[required] == nil {
                fail(node, name, path, "missing required property \"\(required)\"")
                valid = false
                if !collectsErrors { break }
            }
            return valid

        case .dependentRequired(let entries):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for (trigger, names) in entries where object[trigger] != nil {
                for required in names where object[required] == nil {
                    fail(node, name, path, "property \"\(required)\" is required when \"\(trigger)\" is present")
                    valid = false
                    if !collectsErrors { return false }
                }
            }
            return valid

        case .format(let checker):
            guard case .string(let string) = instance, !checker.isValid(string) else { return true }
            fail(node, name, path, "\(instance.abbreviated) is not a valid \(checker.name)")
            return false

        default:
            preconditionFailure("applicator \(name) reached applyAssertion")
        }
    }

    /// "1 item", "3 items".
    static func plural(_ count: Int, _ singular: String, _ pluralForm: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : pluralForm ?? singular + "s")"
    }

    /// Positions of the first two equal items, if any (JSON equality: 1 == 1.0).
    static func firstDuplicate(_ items: [JSONValue]) -> (Int, Int)? {
        if items.count < 16 {
            for i in items.indices {
                for j in (i + 1)..<items.count where items[i] == items[j] { return (i, j) }
            }
            return nil
        }
        var seen: [JSONValue: Int] = [:]
        for (position, item) in items.enumerated() {
            if let earlier = seen.updateValue(position, forKey: item) { return (earlier, position) }
        }
        return nil
    }
}
