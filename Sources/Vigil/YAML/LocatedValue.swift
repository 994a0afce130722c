public import JSONSchema

/// A YAML (or JSON) value in which every value and every key knows where it was written.
/// Vigil's own `Sendable` tree: Yams' nodes are converted into it as soon as they are read.
public struct LocatedValue: Sendable {
    /// The value itself.
    public indirect enum Content: Sendable {
        case null
        case bool(Bool)
        case number(JSONNumber)
        case string(String)
        case sequence([LocatedValue])
        case mapping([Member])
    }

    /// A mapping's key and value, each located.
    public struct Member: Sendable {
        /// The key as written (YAML 1.2 scalars: `on` stays `on`).
        public var key: String
        /// Where the key was written.
        public var keyLocation: SourceLocation
        /// The value.
        public var value: LocatedValue
    }

    /// The value.
    public var content: Content
    /// Where the value was written.
    public var location: SourceLocation

    /// The same value without locations.
    public var json: JSONValue {
        switch content {
        case .null: .null
        case .bool(let value): .bool(value)
        case .number(let number): .number(number)
        case .string(let string): .string(string)
        case .sequence(let elements): .array(elements.map(\.json))
        case .mapping(let members):
            .object(members.reduce(into: JSONObject(minimumCapacity: members.count)) { $0[$1.key] = $1.value.json })
        }
    }

    /// The value of a mapping's member `key`.
    public subscript(key: String) -> LocatedValue? {
        guard case .mapping(let members) = content else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The member named `key`, with the key's own location.
    public func member(_ key: String) -> Member? {
        guard case .mapping(let members) = content else { return nil }
        return members.first { $0.key == key }
    }

    /// Where the value at a JSON Pointer was written. For a pointer to something that does
    /// not exist (a missing property) this is its nearest existing parent.
    /// With `preferKey`, a mapping member is located by its key (where "not allowed" errors
    /// belong) rather than by its value.
    public func location(ofPointer pointer: String, preferKey: Bool = false) -> SourceLocation {
        guard let tokens = JSONPointer.tokens(pointer) else { return location }
        var current = self
        var found = location
        for (index, token) in tokens.enumerated() {
            switch current.content {
            case .mapping(let members):
                guard let member = members.first(where: { $0.key == token }) else { return found }
                found = (preferKey && index == tokens.count - 1) ? member.keyLocation : member.value.location
                current = member.value
            case .sequence(let elements):
                guard let position = Int(token), elements.indices.contains(position) else { return found }
                current = elements[position]
                found = current.location
            default:
                return found
            }
        }
        return found
    }
}
