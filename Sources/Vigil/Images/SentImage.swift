public import JSONSchema

/// What the model was shown of an image input: the bytes as sent (converted or not), their
/// format and pixel size. Recorded on the item's line beside the input file's sha256, so a
/// result can be traced to the exact image the model saw.
public struct SentImage: Sendable, Equatable {
    public var sha256: String
    /// `jpeg`, `png`, `webp` or `gif`.
    public var format: String
    public var size: PixelSize
    public var bytes: Int
    /// Converted by libvips (false: the file's own bytes).
    public var converted: Bool

    public init(sha256: String, format: String, size: PixelSize, bytes: Int, converted: Bool) {
        (self.sha256, self.format, self.size, self.bytes, self.converted) = (sha256, format, size, bytes, converted)
    }

    /// `{"sha256", "format", "width", "height", "bytes", "converted"}`.
    public var json: JSONValue {
        [
            "sha256": .string(sha256), "format": .string(format), "width": .number(JSONNumber(size.width)),
            "height": .number(JSONNumber(size.height)), "bytes": .number(JSONNumber(bytes)),
            "converted": .bool(converted),
        ]
    }

    /// Read back from a line or an event (nil: not one).
    public init?(json: JSONValue?) {
        guard let json, let sha256 = json["sha256"]?.stringValue, let format = json["format"]?.stringValue,
            let width = json["width"]?.numberValue?.int64Value, let height = json["height"]?.numberValue?.int64Value,
            let bytes = json["bytes"]?.numberValue?.int64Value
        else { return nil }
        self.init(
            sha256: sha256, format: format, size: PixelSize(width: Int(width), height: Int(height)), bytes: Int(bytes),
            converted: json["converted"]?.boolValue ?? false)
    }
}
