/// One reason an instance does not validate, located in the instance and in the schema.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer to the offending value in the instance (`""` is the whole instance).
    public var instanceLocation: String
    /// Where the failing keyword is: `#/properties/a/type` in the root schema document,
    /// an absolute URI with a pointer fragment in any other.
    public var keywordLocation: String
    /// The failing keyword (`type`, `required`, ...).
    public var keyword: String
    /// What is wrong, in words a person can act on.
    public var message: String

    public init(instanceLocation: String, keywordLocation: String, keyword: String, message: String) {
        self.instanceLocation = instanceLocation
        self.keywordLocation = keywordLocation
        self.keyword = keyword
        self.message = message
    }

    public var description: String {
        "\(instanceLocation.isEmpty ? "(root)" : instanceLocation): \(message) [\(keywordLocation)]"
    }
}
