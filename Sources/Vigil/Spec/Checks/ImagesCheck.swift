import Foundation

/// What the input files' first bytes say against `model.images`, before anything is sent:
/// images that must be converted (TIFF, BMP, HEIF, JPEG 2000) with no libvips on this
/// machine's PATH to convert them are an error; with `images: original` they are a warning
/// (each would fail unsent); files that are neither text nor an image are a warning (never
/// sent), named by their first few paths.
enum ImagesCheck {
    static func run(_ context: inout JobCheckContext) {
        let job = context.job
        guard let kinds = context.inputKinds, let images = job.model.images,
            let location = job.locations[.images] ?? job.locations[.model]
        else { return }
        if kinds.otherImageCount > 0 {
            let examples = kinds.otherImageExamples.map(\.path).joined(separator: ", ")
            let more = kinds.otherImageCount > kinds.otherImageExamples.count ? ", ..." : ""
            let what =
                "\(kinds.otherImageCount) input\(kinds.otherImageCount == 1 ? " is an image" : "s are images") in a format endpoints do not take as it is (\(kinds.otherImagesText): \(examples)\(more))"
            if images.fit == nil {
                context.report(
                    Diagnostic(
                        .imagesUnconvertible,
                        "\(what); with model.images: original each fails unsent",
                        at: location, severity: .warning,
                        hint: "remove images: original (or set images: { max_edge: ... }) to have libvips convert them")
                )
            } else if ProgramSearch.find("vipsthumbnail", path: context.environment["PATH"], workingFolder: job.folder)
                == nil
            {
                context.report(
                    Diagnostic(
                        .imagesUnconvertible,
                        "\(what): they must be converted to be sent, and libvips's vipsthumbnail is not on PATH",
                        at: location, hint: "\(ImageSpec.libvipsInstallHint), or set model.images: original"))
            }
        }
        if kinds.unsendable > 0 {
            let examples = kinds.unsendableExamples.map { "\($0.path) is \($0.what)" }.joined(separator: "; ")
            context.report(
                Diagnostic(
                    .inputUnsendable,
                    "\(kinds.unsendable) input\(kinds.unsendable == 1 ? " is" : "s are") neither UTF-8 text nor an image and will not be sent (each fails as an input failure): \(examples)\(kinds.unsendable > kinds.unsendableExamples.count ? "; ..." : "")",
                    at: job.locations.inputs.first?.location ?? location, severity: .warning,
                    hint: "narrow the inputs' glob to the files the model reads"))
        }
    }
}
