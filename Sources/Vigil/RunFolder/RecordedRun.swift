public import Foundation
import JSONSchema

/// A run folder read back: its manifest, and the copies of the job and prompt it ran with.
/// Resume, rerun, retry and diff start here.
public struct RecordedRun: Sendable {
    /// The run's folder, whose manifest was read.
    public let folder: RunFolder
    /// Its manifest as read.
    public let manifest: RunManifest

    /// Opens a run folder, given the folder or its `manifest.json`.
    public init(at path: String) throws(ManifestProblem) {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ManifestProblem(
                url: url,
                problem: "no such file or folder; give a run folder (runs/<name>/<run-id>) or its manifest.json")
        }
        if !isFolder.boolValue { url = url.deletingLastPathComponent() }
        let manifestURL = url.appendingPathComponent("manifest.json")
        manifest = try RunManifest(contentsOf: manifestURL)
        folder = RunFolder(url: url, runID: manifest.runID)
        for copy in [folder.jobCopy, promptCopy] where !FileManager.default.fileExists(atPath: copy.path) {
            throw ManifestProblem(url: copy, problem: "missing: the run folder no longer has the copy it ran with")
        }
    }

    /// The prompt as the run read it (`prompt.md` beside the manifest).
    public var promptCopy: URL { folder.promptCopy(named: manifest.promptPath) }

    /// The folder the job's relative paths start from: the original job file's.
    public var jobFolder: URL { URL(fileURLWithPath: manifest.jobPath).deletingLastPathComponent() }

    /// The job as the run ran it: the run folder's copy of the job file with its paths
    /// resolved where the original was, and the copy of the prompt; checked like any job.
    public func loadJob(environment: [String: String] = ProcessInfo.processInfo.environment) -> JobValidation {
        JobLoader(purpose: .run, environment: environment).load(
            folder.jobCopy.path, displayName: folder.jobCopy.path, folder: jobFolder, promptFile: promptCopy)
    }

    /// The ids of the items in `failed.jsonl`, in file order.
    public func failedItems() throws -> [String] {
        var ids: [String] = []
        try AppendedLines.read(folder.failed, repair: false) { line, _ in
            if let id = line["id"]?.stringValue { ids.append(id) }
        }
        return ids
    }

    /// The items that belong to the run when it is not all of its job's inputs (a retry of
    /// failures lists only those in inputs.jsonl); nil when it is all of them.
    public func itemFilter() throws -> Set<String>? {
        guard manifest.origin?.kind == .retryFailed else { return nil }
        var ids = Set<String>()
        var entries = InputsList.Reader(folder.inputs)
        while let entry = try entries.next() { ids.insert(entry.id) }
        return ids
    }
}
