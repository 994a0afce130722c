/// A schema that cannot be compiled: an unresolvable reference, a malformed keyword value,
/// an invalid regular expression, an unsupported required vocabulary.
public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Absolute location of the offending keyword (`file:///x.json#/properties/a/pattern`).
    public var location: String
    public var message: String

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
