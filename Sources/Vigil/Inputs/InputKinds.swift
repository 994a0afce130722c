import Foundation

/// What a job's input files are, by their first bytes (`FileContentKind`): counted while the
/// inputs are listed, for `validate` (files that will not be sent, images with nothing to
/// convert them) and `plan` (how many images will be converted, and from what, and which
/// TIFFs have more than one page). Reads 512 bytes a file (and a TIFF's directory chain);
/// keeps a few paths of each kind as examples.
public struct InputKinds: Sendable {
    /// How many bytes of each file are read.
    public static let window = 512
    /// How many paths of a kind are kept to name.
    public static let examplesKept = 3

    /// JPEG, PNG, WebP and GIF files, by media type.
    public private(set) var images: [String: Int] = [:]
    /// Images endpoints do not take as they are (TIFF, BMP, HEIF, AVIF, JPEG 2000), by format.
    public private(set) var otherImages: [String: Int] = [:]
    public private(set) var text = 0
    /// Files that are neither text nor an image (or cannot be read).
    public private(set) var unsendable = 0
    /// The first paths of the other images, each with its format.
    public private(set) var otherImageExamples: [(path: String, format: String)] = []
    /// The first unsendable files, each with what its first bytes are.
    public private(set) var unsendableExamples: [(path: String, what: String)] = []
    /// TIFFs of more than one page (their first page is sent), and the first few of them.
    public private(set) var multiPage = 0
    public private(set) var multiPageExamples: [(path: String, pages: Int)] = []

    public init() {}

    public var otherImageCount: Int { otherImages.values.reduce(0, +) }

    /// Counts the file at `url`, listed as `path`.
    mutating func add(_ url: URL, path: String) {
        guard let leading = FileContentKind.leadingBytes(of: url.path, count: Self.window) else {
            unsendable += 1
            if unsendableExamples.count < Self.examplesKept { unsendableExamples.append((path, "cannot be read")) }
            return
        }
        let size = FileStamp.of(url.path)?.size ?? leading.count
        switch FileContentKind(leading: leading, size: size) {
        case .image(let mediaType): images[mediaType, default: 0] += 1
        case .otherImage(let format):
            otherImages[format, default: 0] += 1
            if otherImageExamples.count < Self.examplesKept { otherImageExamples.append((path, format)) }
            if format == "TIFF", let pages = TIFFPages.count(url.path), pages > 1 {
                multiPage += 1
                if multiPageExamples.count < Self.examplesKept { multiPageExamples.append((path, pages)) }
            }
        case .text: text += 1
        case let kind:
            unsendable += 1
            if unsendableExamples.count < Self.examplesKept { unsendableExamples.append((path, kind.description)) }
        }
    }

    /// `300 TIFF, 2 BMP` (most first).
    public var otherImagesText: String {
        otherImages.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.value) \($0.key)" }
            .joined(separator: ", ")
    }
}
