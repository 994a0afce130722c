import Foundation

/// The prompt file exists and is the pinned one. On a mismatch it says both hashes and
/// looks beside the file for the one that matches the pin: the 22-hour incident was
/// `image_to_dwc_few_shot` run instead of `image_to_dwc_v2_aafc`.
enum PromptCheck {
    static func run(_ context: inout JobCheckContext) {
        let job = context.job
        guard let fileLocation = job.locations[.promptFile], !job.prompt.file.isEmpty else { return }
        let file = job.prompt.file
        // `prompt.file` resolved, or the run folder's copy a resume or rerun runs from.
        let url = job.promptFile
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else {
            let siblings = files(beside: url).map(\.lastPathComponent)
            let hint =
                Suggestion.nearest(to: url.lastPathComponent, in: siblings).map {
                    "did you mean \(relative(file, replacingNameWith: $0))?"
                }
                ?? (siblings.isEmpty ? nil : "files there: \(siblings.prefix(8).joined(separator: ", "))")
            context.report(
                Diagnostic(
                    .promptMissing,
                    "prompt file \(file) does not exist\(isFolder.boolValue ? " (it is a folder)" : "")",
                    at: fileLocation, hint: hint))
            return
        }
        let pin = job.prompt.sha256
        guard job.locations[.promptSHA256] != nil, pin.count == 64, pin.allSatisfy(\.isHexDigit) else { return }
        // Read once: these bytes are hashed here and are the ones a run sends.
        let bytes: [UInt8]
        do {
            bytes = try ContentsOfFile.read(url.path)
        } catch {
            context.report(
                Diagnostic(
                    .promptMissing, error.size != nil ? error.description : "prompt file \(file) cannot be read",
                    at: fileLocation))
            return
        }
        let actual = FileDigest.sha256(of: bytes)
        guard actual != pin.lowercased() else {
            context.promptBytes = bytes
            return
        }
        let match = files(beside: url).first {
            $0.lastPathComponent != url.lastPathComponent && FileDigest.sha256(of: $0) == pin.lowercased()
        }
        let hint =
            match.map {
                "did you mean \(relative(file, replacingNameWith: $0.lastPathComponent))? its sha256 matches the pin"
            }
            ?? "if the prompt was changed on purpose, run `vigil pin` on the job to pin the new version"
        context.report(
            Diagnostic(
                .promptMismatch,
                "prompt file \(file) is not the pinned prompt: its sha256 is \(actual), the job pins \(pin)",
                at: fileLocation, hint: hint))
    }

    /// Regular files in the same folder, sorted.
    private static func files(beside url: URL) -> [URL] {
        let folder = url.deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }.filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }

    /// `prompts/a.md` with its file name replaced: how the job would write the other file.
    private static func relative(_ path: String, replacingNameWith name: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return name }
        return String(path[...slash]) + name
    }
}
