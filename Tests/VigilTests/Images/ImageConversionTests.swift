import Foundation
import JSONSchema
import Testing
import Vigil

/// Image inputs as archives hold them (LZW TIFF masters of 6000 x 8000, 16-bit, CMYK and
/// two-page TIFFs, large JPEGs, a PNG named .jpg, a truncated JPEG, random bytes, text), made
/// by Pillow, sent to a real endpoint on loopback; what arrived is read back by Pillow, not
/// by Vigil. Needs libvips's vipsthumbnail and Pillow (.ci/run installs both).
enum ImageTools {
    static let available =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/vipsthumbnail")
        && (try? TestEnvironment.run(program: "python3", ["-c", "import PIL"]).status) == 0
}

@Suite(
    .enabled(
        if: ImageTools.available,
        "needs vipsthumbnail (apt-get install libvips-tools) and Pillow (pip install pillow); .ci/run installs both"),
    .timeLimit(.minutes(4)))
struct ImageConversionTests {
    static let script = TestEnvironment.repository.appendingPathComponent("Tests/VigilTests/Images/images.py")
    static let key = "sk-test-images"

    /// A job over the sheets `images.py make` writes, sent to `server` with `images`.
    static func job(_ server: LoopbackOpenAIServer, images: String?) throws -> TemporaryJob {
        let model =
            "model:\n  provider: openai\n  base_url: \(server.baseURL)\n  name: test-model\n  api_key_env: VIGIL_TEST_KEY\n  timeout: 30s"
            + (images.map { "\n  images: \($0)" } ?? "")
        let job = try TemporaryJob(items: 1, extractor: "", model: model, thresholds: "", concurrency: 2)
        let sheets = job.folder.appendingPathComponent("sheets")
        let made = try TestEnvironment.run(program: "python3", [script.path, "make", sheets.path])
        try #require(made.status == 0, "\(made.standardError)")
        try String(contentsOfFile: job.path, encoding: .utf8).replacing("glob: items/*.txt", with: "glob: sheets/*")
            .write(toFile: job.path, atomically: true, encoding: .utf8)
        return job
    }

    /// What each request carried: its image part's media type and bytes, or its text.
    struct Carried {
        var mediaType: String?
        var image: [UInt8]?
        var text: String?
    }

    static func carried(_ server: LoopbackOpenAIServer) -> [Carried] {
        server.requests.compactMap { request in
            guard let content = request.body?["messages"]?.arrayValue?.last?["content"] else { return nil }
            if let text = content.stringValue { return Carried(text: text) }
            guard let url = content.arrayValue?.first?["image_url"]?["url"]?.stringValue,
                let comma = url.firstIndex(of: ","), url.hasPrefix("data:")
            else { return Carried() }
            let mediaType = String(url[url.index(url.startIndex, offsetBy: 5)..<comma]).replacing(";base64", with: "")
            return Carried(
                mediaType: mediaType,
                image: Data(base64Encoded: String(url[url.index(after: comma)...])).map(Array.init))
        }
    }

    /// Pillow's reading of `images`: format (`JPEG`, `PNG`, `WEBP`), width, height.
    static func pillow(_ images: [[UInt8]], in folder: URL) throws -> [(format: String, width: Int, height: Int)] {
        let files = try images.enumerated().map { index, bytes in
            let file = folder.appendingPathComponent("received-\(index)")
            try Data(bytes).write(to: file)
            return file.path
        }
        let read = try TestEnvironment.run(program: "python3", [script.path, "inspect"] + files)
        try #require(read.status == 0, "\(read.standardError)")
        return try read.standardOutput.split(separator: "\n").map { line in
            let json = try JSONParser().parse(String(line))
            return (
                json["format"]?.stringValue ?? "", Int(json["width"]?.numberValue?.int64Value ?? 0),
                Int(json["height"]?.numberValue?.int64Value ?? 0)
            )
        }
    }

    /// The format its first bytes say.
    static func magic(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if bytes.count > 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return "image/webp"
        }
        return "unknown"
    }

    static func lines(_ url: URL) throws -> [String: JSONValue] {
        var byPath: [String: JSONValue] = [:]
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let json = try JSONParser().parse(String(line))
            if let path = json["path"]?.stringValue { byPath[path] = json }
        }
        return byPath
    }

    @Test func everySheetArrivesFittedAndLabelledByItsBytesAndNothingElseIsSent() async throws {
        let server = try LoopbackOpenAIServer { _, _ in .answer("{\"n\": 1}") }
        defer { server.shutdown() }
        let job = try Self.job(server, images: "{ max_edge: 1024 }")
        let summary = await (try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])).run()
        // 8 images and the text succeed; the truncated JPEG and the random bytes fail unsent.
        let failedText = try String(contentsOf: summary.folder.failed, encoding: .utf8)
        #expect(summary.counts.succeeded == 9, "\(failedText)")
        #expect(summary.counts.failed == 2)
        let carried = Self.carried(server)
        #expect(carried.count == 9)
        #expect(
            carried.filter { $0.text != nil }.map(\.text) == [
                "Herbarium label: Carex flacca Schreb., 1911, Kew — leg. J. Smith\n"
            ])
        let images = carried.compactMap(\.image)
        #expect(images.count == 8)
        for carried in carried where carried.image != nil {
            #expect(carried.mediaType == Self.magic(carried.image!), "labelled \(carried.mediaType ?? "-")")
        }
        let read = try Self.pillow(images, in: job.folder)
        #expect(read.count == 8)
        for image in read {
            #expect(["JPEG", "PNG"].contains(image.format))
            #expect(max(image.width, image.height) <= 1024, "\(image)")
        }
        // The masters were shrunk, not cropped: a 6000 x 8000 sheet arrives as 768 x 1024.
        #expect(read.filter { $0.width == 768 && $0.height == 1024 }.count >= 4)

        let results = try Self.lines(summary.folder.results)
        let master = try #require(results["sheets/master-6000.tif"])
        #expect(master["sent"]?["format"] == "jpeg")
        #expect(master["sent"]?["width"] == 768 && master["sent"]?["height"] == 1024)
        #expect(master["sent"]?["converted"] == true)
        #expect(
            master["sha256"]?.stringValue
                == FileDigest.sha256(of: job.folder.appendingPathComponent("sheets/master-6000.tif")))
        #expect(master["sent"]?["sha256"]?.stringValue != master["sha256"]?.stringValue)
        // The PNG named .jpg is sent as it is, as a PNG.
        let label = try #require(results["sheets/label-png.jpg"])
        #expect(label["sent"]?["format"] == "png" && label["sent"]?["converted"] == false)
        #expect(label["sent"]?["sha256"] == label["sha256"])
        #expect(results["sheets/label.txt"]?["sent"] == nil)

        let failed = try Self.lines(summary.folder.failed)
        #expect(failed["sheets/random.jpg"]?["error"] == "input")
        #expect(
            failed["sheets/random.jpg"]?["message"]?.stringValue?.contains(
                "is neither UTF-8 text nor an image (it starts with") == true,
            "\(failed["sheets/random.jpg"] ?? .null)")
        #expect(failed["sheets/truncated.jpg"]?["error"] == "input")
        // Read whole, then found damaged: its line still says which bytes it was.
        #expect(
            failed["sheets/truncated.jpg"]?["sha256"]?.stringValue
                == FileDigest.sha256(of: job.folder.appendingPathComponent("sheets/truncated.jpg")))
        #expect(
            failed["sheets/truncated.jpg"]?["message"]?.stringValue?.contains("is damaged: libvips read it with")
                == true,
            "\(failed["sheets/truncated.jpg"] ?? .null)")

        let manifest = try JSONParser().parse(String(contentsOf: summary.folder.manifest, encoding: .utf8))
        #expect(manifest["images"]?["max_edge"] == 1024)
        #expect(manifest["images"]?["libvips"]?.stringValue?.hasPrefix("8.") == true, "\(manifest["images"] ?? .null)")
        #expect(manifest["model"]?["images"]?["max_edge"] == 1024)

        // The report's samples say what the model was shown; a TIFF is named, not shown.
        let report = try TestEnvironment.run(TestEnvironment.vigil, ["report", summary.folder.url.path])
        #expect(report.status == 0, "\(report.standardError)")
        let page = try String(contentsOf: summary.folder.url.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("sent as JPEG 768 x 1024"), "\(page.prefix(400))")
        #expect(page.contains("a TIFF master, which browsers do not show"))
    }

    @Test func withTheDefaultsTIFFsAreConvertedAndNothingOver2048IsSent() async throws {
        let server = try LoopbackOpenAIServer { _, _ in .answer("{\"n\": 1}") }
        defer { server.shutdown() }
        let job = try Self.job(server, images: nil)
        let summary = await (try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])).run()
        #expect(summary.counts.succeeded == 9)
        let images = Self.carried(server).compactMap(\.image)
        #expect(images.count == 8)
        let read = try Self.pillow(images, in: job.folder)
        #expect(read.allSatisfy { max($0.width, $0.height) <= 2048 }, "\(read)")
        #expect(read.filter { $0.width == 1536 && $0.height == 2048 }.count == 4)
        let results = try Self.lines(summary.folder.results)
        // A JPEG within the limits is sent as it is.
        #expect(results["sheets/two-pages.tif"]?["sent"]?["width"] == 1500)
        #expect(results["sheets/master-3000.jpg"]?["sent"]?["width"] == 1536)
    }

    /// `max_bytes` is kept: a converted image over it is encoded again, smaller.
    @Test func aConvertedImageIsKeptUnderMaxBytes() async throws {
        let server = try LoopbackOpenAIServer { _, _ in .answer("{\"n\": 1}") }
        defer { server.shutdown() }
        let job = try Self.job(server, images: "{ max_edge: 2048, quality: 95, max_bytes: 60000 }")
        let summary = await (try await job.engine(environment: ["VIGIL_TEST_KEY": Self.key])).run()
        #expect(summary.counts.succeeded == 9)
        for image in Self.carried(server).compactMap(\.image) { #expect(image.count <= 60000) }
        let results = try Self.lines(summary.folder.results)
        let master = try #require(results["sheets/master-6000.jpg"]?["sent"])
        #expect((master["bytes"]?.numberValue?.int64Value ?? .max) <= 60000)
    }

    /// Without libvips a job with TIFFs is refused before anything is sent; a JPEG found over
    /// the limits only when it is read fails unsent, saying the install line; the rest still go.
    @Test func withoutLibvipsNothingThatNeedsConvertingIsSent() async throws {
        let server = try LoopbackOpenAIServer { _, _ in .answer("{\"n\": 1}") }
        defer { server.shutdown() }
        let job = try Self.job(server, images: nil)
        let emptyPath = try TestEnvironment.temporaryFolder("no-libvips")
        let environment = ["PATH": emptyPath.path, "VIGIL_TEST_KEY": Self.key]
        let refused = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path, "--quiet"], environment: environment)
        #expect(refused.status == 2)
        #expect(
            (refused.standardOutput + refused.standardError).contains("apt-get install libvips-tools"),
            "\(refused.standardOutput)")
        #expect(server.requests.isEmpty)

        try String(contentsOfFile: job.path, encoding: .utf8).replacing("glob: sheets/*", with: "glob: sheets/*.jpg")
            .write(toFile: job.path, atomically: true, encoding: .utf8)
        for name in ["random.jpg", "truncated.jpg"] {
            try FileManager.default.removeItem(at: job.folder.appendingPathComponent("sheets/\(name)"))
        }
        let ran = try TestEnvironment.run(
            TestEnvironment.vigil, ["run", job.path, "--quiet"], environment: environment)
        let runs = job.folder.appendingPathComponent("runs/test-job")
        let run = try #require(
            try FileManager.default.contentsOfDirectory(atPath: runs.path).first { !$0.hasPrefix(".") },
            "\(ran.standardError)")
        let failed = try Self.lines(runs.appendingPathComponent("\(run)/failed.jsonl"))
        let message = failed["sheets/master-6000.jpg"]?["message"]?.stringValue ?? ""
        #expect(
            message.contains(
                "sheets/master-6000.jpg is 6000 x 8000 px, over model.images.max_edge 2048, so it must be converted"),
            "\(message)")
        #expect(message.contains("apt-get install libvips-tools"), "\(message)")
        #expect(failed.count == 2)
        // Sent as it is: the PNG within the limits.
        #expect(Self.carried(server).count == 1)
    }

    /// `validate` and `plan` read each file's first bytes: what will be converted, from what,
    /// and what will never be sent, before any request; no libvips is an error then.
    @Test func validateAndPlanSayWhatTheFilesAreBeforeAnythingIsSent() async throws {
        let server = try LoopbackOpenAIServer { _, _ in .answer("{\"n\": 1}") }
        defer { server.shutdown() }
        let job = try Self.job(server, images: "{ max_edge: 1024 }")
        let emptyPath = try TestEnvironment.temporaryFolder("no-libvips")
        let refused = try TestEnvironment.run(
            TestEnvironment.vigil, ["validate", job.path],
            environment: ["PATH": emptyPath.path, "VIGIL_TEST_KEY": Self.key])
        #expect(refused.status == 2)
        let said = refused.standardOutput + refused.standardError
        #expect(
            said.contains(
                "5 inputs are images in a format endpoints do not take as it is (5 TIFF: sheets/cmyk.tif, sheets/grey-16bit.tif, sheets/master-3000.tif, ...): they must be converted to be sent, and libvips's vipsthumbnail is not on PATH [V025]"
            ), "\(said)")
        #expect(said.contains("apt-get install libvips-tools"))
        #expect(said.contains("sheets/random.jpg is neither UTF-8 text nor an image"), "\(said)")

        let plan = try TestEnvironment.run(
            TestEnvironment.vigil, ["plan", job.path], environment: ["VIGIL_TEST_KEY": Self.key])
        #expect(plan.status == 0, "\(plan.standardError)")
        #expect(
            plan.standardOutput.contains(
                "files: 4 images (JPEG, PNG), converted when over 1024 px or 20,000,000 bytes (19.1 MiB); 5 TIFF converted by libvips to JPEG within 1024 px"
            ), "\(plan.standardOutput)")
        #expect(
            plan.standardOutput.contains(
                "; 1 multi-page TIFF, first page only (sheets/two-pages.tif: 2 pages); 1 text; 1 neither text nor an image: never sent"
            ),
            "\(plan.standardOutput)")
        #expect(server.requests.isEmpty)
    }

    /// Through `model.batch` an image is fitted as it is live, and its line, written when the
    /// batch's answers are collected, records what was sent (kept in batches.jsonl between).
    @Test func aBatchSendsTheImageFittedAndItsLineSaysSo() async throws {
        let server = try LoopbackBatchServer { body in
            // An image's request answers n = 1; a text item its own number.
            body["messages"]?.arrayValue?.last?["content"]?.arrayValue != nil
                ? "{\"n\": 1}" : BatchRunTests.good(body)
        }
        defer { server.shutdown() }
        let job = try BatchRunTests.job(server, items: 8, canary: 3)
        let made = try TestEnvironment.run(
            program: "python3",
            [
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); from images import sheet; sheet(3000, 4000).save(sys.argv[2], compression='tiff_lzw')",
                Self.script.deletingLastPathComponent().path, job.folder.appendingPathComponent("items/sheet.tif").path,
            ])
        try #require(made.status == 0, "\(made.standardError)")
        try String(contentsOfFile: job.path, encoding: .utf8).replacing("glob: items/*.txt", with: "glob: items/*")
            .write(toFile: job.path, atomically: true, encoding: .utf8)
        let (summary, _) = try await BatchRunTests.run(job)
        let failed = (try? String(contentsOf: summary.folder.failed, encoding: .utf8)) ?? ""
        #expect(summary.counts.succeeded == 9, "\(failed)")
        let sheet = try #require(try Self.lines(summary.folder.results)["items/sheet.tif"])
        #expect(sheet["sent"]?["format"] == "jpeg" && sheet["sent"]?["converted"] == true)
        #expect(sheet["sent"]?["width"] == 1536 && sheet["sent"]?["height"] == 2048)
        let journal = try String(contentsOf: summary.folder.batches, encoding: .utf8)
        #expect(journal.contains("\"sent\""))
    }
}
