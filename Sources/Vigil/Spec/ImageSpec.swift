public import JSONSchema

/// `model.images`: how an image input is sent. Endpoints scale every image down before the
/// model sees it (OpenAI fits it in 2048 x 2048) and refuse formats they do not read (TIFF), so
/// a 6000 x 8000 master sent as it is wastes most of its upload, or is refused.
public enum ImageSpec: Sendable, Equatable {
    /// Sent as they are: an image in a format the endpoint does not take fails its item.
    case original
    /// Fitted: an image in a format the endpoint takes (JPEG, PNG, WebP, GIF) within the limits
    /// is sent as it is; any other is shrunk on load and re-encoded with libvips.
    case fitted(ImageFit)

    /// What a machine that must convert images and has no libvips needs (validate says it, and
    /// an item that cannot be converted).
    public static let libvipsInstallHint = "install libvips's tools (Debian and Ubuntu: apt-get install libvips-tools)"

    /// The settings, or nil for `original`.
    public var fit: ImageFit? {
        if case .fitted(let fit) = self { fit } else { nil }
    }

    /// As the manifest and the cache key record it: `"original"` or the four settings.
    public var json: JSONValue {
        switch self {
        case .original: "original"
        case .fitted(let fit):
            [
                "max_edge": .number(JSONNumber(fit.maximumEdge)), "format": .string(fit.format.rawValue),
                "quality": .number(JSONNumber(fit.quality)), "max_bytes": .number(JSONNumber(fit.maximumBytes)),
            ]
        }
    }
}

/// The limits an image is sent within, and what a converted image is written as.
public struct ImageFit: Sendable, Equatable {
    /// The longest side in pixels.
    public var maximumEdge: Int
    /// What a converted image is encoded as.
    public var format: ImageFormat
    /// The encoder's quality, 1-100 (JPEG and WebP).
    public var quality: Int
    /// The most bytes one image may have as sent (before base64).
    public var maximumBytes: Int

    /// An OpenAI-compatible endpoint's: it fits an image in 2048 x 2048 itself, and takes up
    /// to 20 MB.
    public static let openAI = ImageFit(maximumEdge: 2048, format: .jpeg, quality: 85, maximumBytes: 20_000_000)
}

/// An image format an endpoint takes, as Vigil writes it.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    case jpeg, png, webp

    public var mediaType: String { "image/\(rawValue)" }
}
