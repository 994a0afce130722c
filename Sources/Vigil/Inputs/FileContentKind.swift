import Foundation

/// What an input file holds, known by its bytes, never its name: a `.jpg` that is a PNG is a
/// PNG, and a `.tif` is an image, not text. Decides how a file may be sent: an image in a format
/// endpoints take as it is, an image they do not take (TIFF, BMP, HEIF, JPEG 2000), UTF-8 text,
/// or anything else, which is never sent (a binary sent as text made a run that looked fine
/// and answered garbage).
public enum FileContentKind: Sendable, Equatable {
    /// JPEG, PNG, WebP or GIF: sent as an image, labelled with this media type.
    case image(mediaType: String)
    /// An image format endpoints do not take as it is (`TIFF`, `BMP`, `HEIF`, `AVIF`, `JPEG 2000`).
    case otherImage(format: String)
    /// UTF-8 text (no NUL bytes): sent as text.
    case text
    /// Neither: never sent. `firstBytes` says what it starts with, for the message.
    case binary(firstBytes: String)

    /// Reads `bytes` (a whole file: text must be valid UTF-8 throughout).
    public init(sniffing bytes: [UInt8]) {
        if let image = Self.image(bytes) {
            self = image
        } else if !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil {
            self = .text
        } else {
            self = .binary(firstBytes: Self.describe(bytes.prefix(8)))
        }
    }

    /// The image kind `leading` (a file's first bytes: 16 are enough) says, or nil when it is not
    /// an image's start (text and other binaries are told only by the whole file).
    public static func image(leading: [UInt8]) -> FileContentKind? { image(leading) }

    /// How many first bytes `image(leading:)` needs.
    public static let leadingCount = 16

    /// A file's first `count` bytes (fewer for a shorter file; nil when it cannot be read).
    public static func leadingBytes(of path: String, count wanted: Int = leadingCount) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: wanted)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, wanted) }
        return count < 0 ? nil : Array(bytes.prefix(count))
    }

    /// What a file's first bytes (`leading`, of a file of `size` bytes) say it is: an image by
    /// its magic bytes, binary when they hold a NUL or are not UTF-8 (a character cut at the
    /// end aside), text otherwise (the rest of the file is read only when it is sent).
    public init(leading: [UInt8], size: Int) {
        if let image = Self.image(leading) {
            self = image
            return
        }
        var prefix = leading
        // A multi-byte character cut by the window is not a fault of the file.
        if leading.count < size {
            var cut = 0
            while cut < 3, let last = prefix.last, last & 0xC0 == 0x80 || last & 0xC0 == 0xC0 {
                prefix.removeLast()
                cut += 1
                if last & 0xC0 == 0xC0 { break }
            }
        }
        self = Self(sniffing: prefix)
    }

    /// How the kind is said in a message: `a PNG image`, `a TIFF image`, `text`.
    public var description: String {
        switch self {
        case .image(let type): "a \(type.dropFirst("image/".count).uppercased()) image"
        case .otherImage(let format): "a \(format) image"
        case .text: "UTF-8 text"
        case .binary(let first): "neither UTF-8 text nor an image (it starts with \(first))"
        }
    }

    private static func image(_ bytes: [UInt8]) -> FileContentKind? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        func ascii(_ text: String, at offset: Int = 0) -> Bool { starts(Array(text.utf8), at: offset) }
        if starts([0xFF, 0xD8, 0xFF]) { return .image(mediaType: "image/jpeg") }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .image(mediaType: "image/png") }
        if ascii("GIF87a") || ascii("GIF89a") { return .image(mediaType: "image/gif") }
        if ascii("RIFF") && ascii("WEBP", at: 8) { return .image(mediaType: "image/webp") }
        // Classic and BigTIFF, either byte order.
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) || starts([0x49, 0x49, 0x2B, 0x00])
            || starts([0x4D, 0x4D, 0x00, 0x2B])
        {
            return .otherImage(format: "TIFF")
        }
        // "BM", the file's size, then four reserved bytes that are zero (text starting "BM" has none).
        if ascii("BM") && starts([0, 0, 0, 0], at: 6) { return .otherImage(format: "BMP") }
        if starts([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A])
            || starts([0xFF, 0x4F, 0xFF, 0x51])
        {
            return .otherImage(format: "JPEG 2000")
        }
        // ISO base media: a `ftyp` box whose brand names the format.
        if ascii("ftyp", at: 4), bytes.count >= 12 {
            let brand = String(decoding: bytes[8..<12], as: UTF8.self)
            if ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"].contains(brand) {
                return .otherImage(format: "HEIF")
            }
            if ["avif", "avis"].contains(brand) { return .otherImage(format: "AVIF") }
        }
        return nil
    }

    /// `89 50 4e 47 0d 0a 1a 0a (".PNG....")`: hex, then what is printable.
    static func describe(_ bytes: ArraySlice<UInt8>) -> String {
        guard !bytes.isEmpty else { return "nothing: the file is empty" }
        let hex = bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        let printable = String(bytes.map { (0x20...0x7E).contains($0) ? Character(UnicodeScalar($0)) : "." })
        return hex.joined(separator: " ") + " (\"\(printable)\")"
    }
}
