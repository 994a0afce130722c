import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// libvips's `vipsthumbnail`, run once per image that needs converting: it shrinks on load
/// (a 6000 x 8000 JPEG is decoded at an eighth of its size) and streams a TIFF strip by strip,
/// so an image is never held whole, in Vigil or in it. A program rather than a linked library:
/// the release binary stays one file that runs on any node, and libvips is needed only where
/// images are converted; starting it costs about 20 ms against 0.3-0.7 s of converting and
/// seconds of the model's answer (Benchmarks/Images).
public struct ImageConverter: Sendable {
    /// The program's path.
    public let executable: String
    /// libvips's version, as the manifest records it (`8.14.1`).
    public let version: String
    /// Where converted images are written, one file per conversion, removed once read.
    private let scratch: URL

    /// What a machine without it needs, said wherever a conversion is refused.
    public static var installHint: String { ImageSpec.libvipsInstallHint }

    /// How long one conversion may take: a 6000 x 8000 LZW TIFF takes under a second.
    static let timeLimit = Duration.seconds(120)

    /// `vipsthumbnail` on `path` (PATH's folders), with its version; nil when there is none,
    /// or it does not run.
    static func find(path: String?, workingFolder: URL) async -> ImageConverter? {
        guard let executable = ProgramSearch.find("vipsthumbnail", path: path, workingFolder: workingFolder),
            let said = try? await Subprocess.run(
                .path(FilePath(executable)), arguments: ["--vips-version"], output: .string(limit: 4096),
                error: .discarded),
            said.terminationStatus.isSuccess
        else { return nil }
        // "libvips 8.14.1"
        let version = said.standardOutput.trimmingWhitespace().split(separator: " ").last.map(String.init) ?? ""
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vigil-images-\(getpid())-\(UUID().uuidString.prefix(8))")
        return ImageConverter(executable: executable, version: version, scratch: scratch)
    }

    /// The image at `url` (listed as `path`) within `edge` x `edge` pixels (never enlarged),
    /// encoded as `format` at `quality`. A file libvips cannot read, or reads only with
    /// damage (a truncated JPEG or PNG is read with grey where its end was), fails the item.
    func convert(_ url: URL, path: String, edge: Int, format: ImageFormat, quality: Int) async throws(ItemFailure)
        -> [UInt8]
    {
        let name = UUID().uuidString
        let output = scratch.appendingPathComponent("\(name).\(format.rawValue)")
        defer { try? FileManager.default.removeItem(at: output) }
        var input = url
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            // libvips reads `[...]` at a name's end as load options: such a file is read
            // through a link with a plain name.
            if url.lastPathComponent.contains("[") {
                input = scratch.appendingPathComponent("\(name)-input")
                try FileManager.default.createSymbolicLink(at: input, withDestinationURL: url)
            }
        } catch {
            throw ItemFailure(.input, "\(path) could not be converted: \(error); it was not sent", isRetryable: false)
        }
        defer { if input != url { try? FileManager.default.removeItem(at: input) } }
        let options =
            switch format {
            case .jpeg: "[Q=\(quality),strip,optimize_coding]"
            case .webp: "[Q=\(quality),strip]"
            case .png: "[compression=6,strip]"
            }
        let result: Result<ExecutionResult<Void, DiscardedOutput, StringOutput<UTF8>>, any Error>
        do {
            let (executable, arguments) = (
                self.executable, [input.path, "--size", "\(edge)x\(edge)>", "-o", output.path + options]
            )
            result = .success(
                try await Deadline.run(within: Self.timeLimit) {
                    try await Subprocess.run(
                        .path(FilePath(executable)),
                        arguments: Arguments(arguments),
                        output: .discarded, error: .string(limit: 1 << 16))
                })
        } catch {
            result = .failure(error)
        }
        switch result {
        case .failure(let error as DeadlineExceeded):
            throw ItemFailure(
                .input, "\(path) was not converted within \(error.limit) by \(executable); it was not sent",
                isRetryable: false)
        case .failure(let error as SubprocessError) where error.code == .outputLimitExceeded:
            throw ItemFailure(
                .input, "\(path) could not be read by libvips: it warned of damage throughout; it was not sent",
                isRetryable: false)
        case .failure(let error):
            throw ItemFailure(.input, "\(path) could not be converted: \(executable): \(error); it was not sent")
        case .success(let ran):
            let said = ran.standardError
            guard ran.terminationStatus.isSuccess else {
                throw ItemFailure(
                    .input,
                    "\(path) could not be read by libvips (\(Self.firstLines(of: said))); it was not sent: is it an image, and whole?",
                    isRetryable: false)
            }
            if let damage = Self.damage(in: said) {
                throw ItemFailure(
                    .input,
                    "\(path) is damaged: libvips read it with \"\(damage)\" (a truncated or corrupt file); it was not sent",
                    isRetryable: false)
            }
        }
        guard let bytes = FileManager.default.contents(atPath: output.path) else {
            throw ItemFailure(
                .input, "\(path) was converted, but \(executable) wrote no image; it was not sent", isRetryable: false)
        }
        return Array(bytes)
    }

    /// The first warning that says the file is damaged: libvips reads a truncated JPEG or PNG
    /// to its end with grey, exits 0, and only warns. (Other warnings, such as a TIFF tag it
    /// does not know, leave the image whole.)
    static func damage(in said: String) -> String? {
        let warnings = said.split(separator: "\n").filter { $0.contains("WARNING") }.map(String.init)
        // Most telling first: "read gave 2 warnings" only counts them.
        for sign in ["premature end", "not enough data", "corrupt", "truncated", "incomplete", "read gave"] {
            if let line = warnings.first(where: { $0.lowercased().contains(sign) }) {
                return line.split(separator: ":").last.map { String($0).trimmingWhitespace() } ?? line
            }
        }
        return nil
    }

    /// What the program said, in one line: its first lines that are not blank.
    private static func firstLines(of said: String) -> String {
        let lines = said.split(separator: "\n").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        return lines.isEmpty ? "it said nothing" : lines.prefix(2).joined(separator: "; ")
    }
}
