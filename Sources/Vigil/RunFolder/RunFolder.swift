public import Foundation

/// `runs/<name>/<run-id>/`: everything one run leaves behind.
public struct RunFolder: Sendable {
    /// The run's folder: `<output.dir>/<name>/<run-id>/` (or a shard's folder under it).
    public let url: URL
    /// The run id (the folder's name).
    public let runID: String

    /// `results.jsonl`: one line per item that succeeded, appended as it ends.
    public var results: URL { url.appendingPathComponent("results.jsonl") }
    /// `failed.jsonl`: one line per item that failed after its attempts, with why.
    public var failed: URL { url.appendingPathComponent("failed.jsonl") }
    /// `events.jsonl`: every event of the run, the source of truth a resume and `watch` read.
    public var events: URL { url.appendingPathComponent("events.jsonl") }
    /// `manifest.json`: what ran, pinned, and how it ended; rewritten atomically.
    public var manifest: URL { url.appendingPathComponent("manifest.json") }
    /// `checkpoint.json`: counts every `checkpoint.every` items (informative).
    public var checkpoint: URL { url.appendingPathComponent("checkpoint.json") }
    /// `batches.jsonl`: the provider batches of a `model.batch` run (see `BatchJournal`).
    public var batches: URL { url.appendingPathComponent("batches.jsonl") }
    /// `inputs.jsonl`: the frozen list of items.
    public var inputs: URL { url.appendingPathComponent("inputs.jsonl") }
    /// `job.yaml`: the job as run.
    public var jobCopy: URL { url.appendingPathComponent("job.yaml") }
    /// `prompt.EXT`: the prompt as run, with the original's extension.
    public func promptCopy(named name: String) -> URL {
        url.appendingPathComponent("prompt" + Self.fileExtension(name))
    }

    /// The name `publish` gives the folder (nil: the run id).
    let finalName: String?

    /// The run folder at `url`.
    public init(url: URL, runID: String) {
        self.url = url
        self.runID = runID
        finalName = nil
    }

    init(url: URL, runID: String, finalName: String?) {
        self.url = url
        self.runID = runID
        self.finalName = finalName
    }

    /// A new, empty run folder for `job`, named by the start time and a random suffix
    /// (`20261123-180000-4f2a`) so runs sort by time and never collide. It is made hidden
    /// (`.20261123-180000-4f2a.partial`) until `publish()`: a crash while a run is being set
    /// up (copies, hashing the inputs, the first manifest) leaves no folder that looks like
    /// a run but cannot be resumed.
    public static func create(under output: URL, jobName: String, at date: Date = Date()) throws -> RunFolder {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        let runID = formatter.string(from: date) + "-" + String(repeating: "0", count: 4 - suffix.count) + suffix
        let url = output.appendingPathComponent(jobName).appendingPathComponent(".\(runID).partial")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return RunFolder(url: url, runID: runID)
    }

    /// A new, empty folder for one shard of the run `runID`: `<name>/<run-id>/shard-I-of-N`,
    /// made hidden until `publish()` as `create` does. The shards of one run share the
    /// run-id folder (on a shared filesystem, from many machines); each has its own files.
    public static func create(under output: URL, jobName: String, runID: String, shard: Shard) throws -> RunFolder {
        let run = output.appendingPathComponent(jobName).appendingPathComponent(runID)
        let final = run.appendingPathComponent(shard.folderName)
        if FileManager.default.fileExists(atPath: final.path) {
            throw ShardExists(folder: final)
        }
        let url = run.appendingPathComponent(".\(shard.folderName).partial")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return RunFolder(url: url, runID: runID, finalName: shard.folderName)
    }

    /// Gives a folder made by `create` its run name, once it holds a manifest (an atomic
    /// rename: the run folder appears complete or not at all).
    public func publish() throws -> RunFolder {
        let final = url.deletingLastPathComponent().appendingPathComponent(finalName ?? runID)
        guard url != final else { return self }
        try FileManager.default.moveItem(at: url, to: final)
        return RunFolder(url: final, runID: runID)
    }

    /// A shard's folder is there already: that shard ran (resume it) or another task runs it.
    public struct ShardExists: Error, CustomStringConvertible {
        /// The shard's folder that is already there.
        public var folder: URL
        /// Which shard, and what to do: resume it, or give this task another shard.
        public var description: String {
            "\(folder.path) exists: this shard of the run has been started already; continue it with vigil resume \(folder.path), or give a new --run-id"
        }
    }

    static func fileExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[dot...])
    }
}
