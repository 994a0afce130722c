/// An image's width and height in pixels, as its header says (JPEG, PNG, GIF, WebP): read
/// without decoding, so an image already within the limits is sent as it is, untouched.
public struct PixelSize: Sendable, Equatable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        (self.width, self.height) = (width, height)
    }

    public var longestEdge: Int { max(width, height) }

    /// The size in `bytes`'s header, or nil when it is not one of the four formats or is cut
    /// short before its size.
    public init?(header bytes: [UInt8]) {
        guard let size = Self.jpeg(bytes) ?? Self.png(bytes) ?? Self.gif(bytes) ?? Self.webp(bytes),
            size.width > 0, size.height > 0
        else { return nil }
        self = size
    }

    private static func starts(_ bytes: [UInt8], _ prefix: [UInt8], at offset: Int = 0) -> Bool {
        bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func littleEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        bytes[offset..<offset + count].reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    /// The first start-of-frame segment's size: segments are walked by their lengths (an
    /// EXIF block or a thumbnail comes first in most camera files).
    private static func jpeg(_ bytes: [UInt8]) -> PixelSize? {
        guard starts(bytes, [0xFF, 0xD8]) else { return nil }
        var offset = 2
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            if marker == 0xFF {  // fill byte
                offset += 1
                continue
            }
            // Markers without a length: TEM and the restart markers.
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {
                offset += 2
                continue
            }
            let length = bigEndian(bytes, offset + 2, 2)
            // SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC).
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard offset + 9 <= bytes.count else { return nil }
                return PixelSize(width: bigEndian(bytes, offset + 7, 2), height: bigEndian(bytes, offset + 5, 2))
            }
            guard length >= 2 else { return nil }
            offset += 2 + length
        }
        return nil
    }

    private static func png(_ bytes: [UInt8]) -> PixelSize? {
        guard starts(bytes, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            starts(bytes, Array("IHDR".utf8), at: 12),
            bytes.count >= 24
        else { return nil }
        return PixelSize(width: bigEndian(bytes, 16, 4), height: bigEndian(bytes, 20, 4))
    }

    private static func gif(_ bytes: [UInt8]) -> PixelSize? {
        guard starts(bytes, Array("GIF87a".utf8)) || starts(bytes, Array("GIF89a".utf8)), bytes.count >= 10 else {
            return nil
        }
        return PixelSize(width: littleEndian(bytes, 6, 2), height: littleEndian(bytes, 8, 2))
    }

    /// Lossy (`VP8 `), lossless (`VP8L`) and extended (`VP8X`) WebP.
    private static func webp(_ bytes: [UInt8]) -> PixelSize? {
        guard starts(bytes, Array("RIFF".utf8)), starts(bytes, Array("WEBP".utf8), at: 8), bytes.count >= 30 else {
            return nil
        }
        if starts(bytes, Array("VP8 ".utf8), at: 12) {
            return PixelSize(width: littleEndian(bytes, 26, 2) & 0x3FFF, height: littleEndian(bytes, 28, 2) & 0x3FFF)
        }
        if starts(bytes, Array("VP8L".utf8), at: 12) {
            let b = bytes[21...24].map(Int.init)
            return PixelSize(
                width: 1 + (b[0] | (b[1] & 0x3F) << 8), height: 1 + (b[1] >> 6 | b[2] << 2 | (b[3] & 0x0F) << 10))
        }
        if starts(bytes, Array("VP8X".utf8), at: 12) {
            return PixelSize(width: 1 + littleEndian(bytes, 24, 3), height: 1 + littleEndian(bytes, 27, 3))
        }
        return nil
    }
}
