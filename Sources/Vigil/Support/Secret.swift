/// A secret value (an API key, a webhook URL). Its description, debug description and
/// encoding are `<REDACTED>`, so no log line, message, event or manifest can print it by
/// accident; only `reveal()` gives the value, at the one place it is sent. Its value is
/// registered with `Redaction`, so it is masked even when something else carries it to a
/// writer (an endpoint's error message quoting the key).
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, Encodable {
    private let value: String

    /// A secret (registered with `Redaction`).
    public init(_ value: String) {
        self.value = value
        Redaction.register(value)
    }

    /// Reads the secret from the environment variable `name` (nil when unset or empty).
    public init?(environmentVariable name: String, in environment: [String: String]) {
        guard let value = environment[name], !value.isEmpty else { return nil }
        self.init(value)
    }

    /// The value, for the one place it is sent.
    public func reveal() -> String { value }

    /// Always `<REDACTED>`.
    public var description: String { "<REDACTED>" }
    /// Always `<REDACTED>`.
    public var debugDescription: String { "<REDACTED>" }

    /// Encodes as `<REDACTED>`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode("<REDACTED>")
    }
}
