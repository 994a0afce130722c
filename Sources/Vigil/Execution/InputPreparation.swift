import Foundation

/// An item's file made ready to send, in the item's own task: read once (its sha256 is from
/// that read), and, when it is an image, fitted to `model.images`. An image in a format the
/// endpoint takes, within the limits, is sent as it is; any other is converted by libvips
/// from the file itself (a TIFF master is hashed, not held, while it streams through
/// `vipsthumbnail`), and the file must not have changed while it was.
struct InputPreparation: Sendable {
    /// `model.images`.
    let images: ImageSpec
    /// libvips's program (nil: not on this machine; an image that needs converting fails).
    let converter: ImageConverter?

    /// What one attempt sends: the bytes, the input file's sha256, and what the model is shown
    /// of an image.
    struct Prepared: Sendable {
        var bytes: [UInt8]
        var sha256: String
        var sent: SentImage?
    }

    /// Why an item's file could not be made ready, with the sha256 of what was read (its
    /// failure line records it) when the read itself went well.
    struct Failure: Error {
        var failure: ItemFailure
        var sha256: String?
    }

    func prepare(_ url: URL, path: String, listed: FileStamp?) async throws(Failure) -> Prepared {
        var sha256: String?
        do {
            return try await prepare(url, path: path, listed: listed, read: &sha256)
        } catch {
            throw Failure(failure: error, sha256: sha256)
        }
    }

    /// `prepare`, setting `read` to the file's sha256 once it is read.
    private func prepare(_ url: URL, path: String, listed: FileStamp?, read readSHA256: inout String?)
        async throws(ItemFailure) -> Prepared
    {
        let kind = FileContentKind.leadingBytes(of: url.path).flatMap(FileContentKind.image(leading:))
        guard let kind, let fit = images.fit else {
            let read = try InputRead.read(url, path: path, listed: listed)
            let bytes = read.bytes ?? []
            return Prepared(
                bytes: bytes, sha256: read.sha256, sent: Self.asItIs(bytes, sha256: read.sha256, kind: kind))
        }
        if case .image = kind {
            let read = try InputRead.read(url, path: path, listed: listed)
            readSHA256 = read.sha256
            let bytes = read.bytes ?? []
            let size = PixelSize(header: bytes)
            if let size, size.longestEdge <= fit.maximumEdge, bytes.count <= fit.maximumBytes {
                return Prepared(
                    bytes: bytes, sha256: read.sha256, sent: Self.asItIs(bytes, sha256: read.sha256, kind: kind))
            }
            let why = size.map { size in
                size.longestEdge > fit.maximumEdge
                    ? "\(size.width) x \(size.height) px, over model.images.max_edge \(fit.maximumEdge)"
                    : "\(ByteCount.text(bytes.count)), over model.images.max_bytes \(ByteCount.text(fit.maximumBytes))"
            }
            let converted = try await convert(
                url, path: path, fit: fit, what: why ?? "an image whose size its header does not say")
            try Self.unchanged(url, path: path, since: read.stamp)
            return Prepared(bytes: converted.bytes, sha256: read.sha256, sent: converted.sent)
        }
        // TIFF, BMP, HEIF, JPEG 2000: hashed 1 MiB at a time, converted from the file.
        let read = try InputRead.read(url, path: path, listed: listed, keepingBytes: false)
        readSHA256 = read.sha256
        let converted = try await convert(url, path: path, fit: fit, what: kind.description)
        try Self.unchanged(url, path: path, since: read.stamp)
        return Prepared(bytes: converted.bytes, sha256: read.sha256, sent: converted.sent)
    }

    /// An image sent as its file's bytes (nil: not an image).
    private static func asItIs(_ bytes: [UInt8], sha256: String, kind: FileContentKind?) -> SentImage? {
        guard case .image(let mediaType) = kind, let size = PixelSize(header: bytes) else { return nil }
        return SentImage(
            sha256: sha256, format: String(mediaType.dropFirst("image/".count)),
            size: size, bytes: bytes.count, converted: false)
    }

    /// Converted within `fit`; encoded again, at a lower quality then a smaller size, while it
    /// is over `max_bytes` (a dense sheet at high quality can be).
    private func convert(_ url: URL, path: String, fit: ImageFit, what: String) async throws(ItemFailure) -> (
        bytes: [UInt8], sent: SentImage
    ) {
        guard let converter else {
            throw ItemFailure(
                .input,
                "\(path) is \(what), so it must be converted, and libvips's vipsthumbnail is not on this machine's PATH: \(ImageConverter.installHint), or set model.images: original to send files as they are; it was not sent",
                isRetryable: false)
        }
        var (edge, quality) = (fit.maximumEdge, fit.quality)
        for _ in 0..<6 {
            let bytes = try await converter.convert(url, path: path, edge: edge, format: fit.format, quality: quality)
            guard let size = PixelSize(header: bytes) else {
                throw ItemFailure(
                    .input,
                    "\(path) was converted, but what libvips wrote is not a \(fit.format.rawValue) image; it was not sent",
                    isRetryable: false)
            }
            if bytes.count <= fit.maximumBytes {
                let sent = SentImage(
                    sha256: FileDigest.sha256(of: bytes), format: fit.format.rawValue, size: size, bytes: bytes.count,
                    converted: true)
                return (bytes, sent)
            }
            if fit.format != .png && quality > 50 {
                quality = max(50, quality - 15)
            } else {
                edge = max(32, edge * 3 / 4)
            }
        }
        throw ItemFailure(
            .input,
            "\(path) stays over model.images.max_bytes (\(ByteCount.text(fit.maximumBytes))) even at \(edge) px and quality \(quality); it was not sent: raise max_bytes or lower max_edge",
            isRetryable: false)
    }

    /// The file is still as it was read: otherwise the converted image may hold other bytes
    /// than the sha256 recorded for it.
    private static func unchanged(_ url: URL, path: String, since read: FileStamp) throws(ItemFailure) {
        try InputRead.confirm(url, path: path, listed: read, during: "it was converted", outcome: "it was not sent")
    }
}
