public import Foundation
public import JSONSchema

/// `manifest.json`: what ran, how it ended, and digests of everything it produced, so a
/// run can be checked and reproduced months later. Written atomically at the start
/// (status `running`), after a resume, and at the end. Never holds a secret: the model's
/// key is named by its variable only.
public struct RunManifest: Sendable {
    public var runID: String
    public var status: String
    public var jobPath: String
    public var jobSHA256: String
    public var git: GitState?
    public var spec: JSONValue
    public var promptPath: String
    public var promptSHA256: String
    /// The success schema file and its sha256 (nil: the job has none).
    public var successSchema: PinnedFile?
    public var model: JSONValue
    public var inputCount: Int
    public var inputsSHA256: String
    /// `vigil run --canary N`: only the first N items belong to the run.
    public var canary: Int?
    public var startedAt: Double
    public var endedAt: Double?
    public var counts: RunCounts
    public var verdict: String?
    /// Tokens the model reported, summed over the run.
    public var usage = TokenUsage()
    public var outputs: [String: String] = [:]
    public var droppedEvents: [String: Int] = [:]
    public var toolVersion = VigilVersion.current
    public var host = ProcessInfo.processInfo.hostName
    public var operatingSystem = ProcessInfo.processInfo.operatingSystemVersionString
    /// The run this one reproduces or retries (`rerun_of`, `retry_of`).
    public var origin: Origin?
    /// Drift from the origin's pins that the user allowed (`--allow-drift`).
    public var drift: [String] = []
    /// Each time the run was resumed.
    public var resumes: [Resumption] = []

    public struct GitState: Sendable, Equatable {
        public var commit: String
        public var dirty: Bool
    }

    public struct PinnedFile: Sendable, Equatable {
        public var path: String
        public var sha256: String
    }

    public struct Origin: Sendable, Equatable {
        public enum Kind: String, Sendable {
            /// `vigil rerun`: the whole run again.
            case rerun = "rerun_of"
            /// `vigil run --retry-failed`: only its failed items.
            case retryFailed = "retry_of"
        }
        public var kind: Kind
        public var runID: String
        public var manifest: String
    }

    public struct Resumption: Sendable, Equatable {
        public var at: Double
        /// What the repair cut off the appended files (file name -> bytes).
        public var repairedBytes: [String: Int]
        /// Items whose event was logged but whose result line was not yet written.
        public var recoveredItems: Int
        public var drift: [String]
    }

    public var json: JSONValue {
        var object = JSONObject()
        object["manifest_version"] = 1
        object["run_id"] = .string(runID)
        object["status"] = .string(status)
        object["tool"] = ["name": "vigil", "version": .string(toolVersion)]
        object["host"] = ["name": .string(host), "os": .string(operatingSystem)]
        if let origin {
            object[origin.kind.rawValue] = ["run_id": .string(origin.runID), "manifest": .string(origin.manifest)]
        }
        if !drift.isEmpty { object["drift"] = .array(drift.map { .string($0) }) }
        var job = JSONObject()
        job["path"] = .string(jobPath)
        job["sha256"] = .string(jobSHA256)
        job["copy"] = "job.yaml"
        job["git"] = git.map { ["commit": .string($0.commit), "dirty": .bool($0.dirty)] } ?? .null
        object["job"] = .object(job)
        object["spec"] = spec
        object["prompt"] = ["path": .string(promptPath), "sha256": .string(promptSHA256)]
        object["success_schema"] = successSchema.map { ["path": .string($0.path), "sha256": .string($0.sha256)] } ?? .null
        object["model"] = model
        object["inputs"] = [
            "count": .number(JSONNumber(inputCount)), "sha256": .string(inputsSHA256), "list": "inputs.jsonl",
            "canary": canary.map { .number(JSONNumber($0)) } ?? .null,
        ]
        object["started_at"] = .string(Timestamp.iso8601(startedAt))
        object["ended_at"] = endedAt.map { .string(Timestamp.iso8601($0)) } ?? .null
        object["duration_seconds"] = endedAt.map { .number(JSONNumber(((($0 - startedAt) * 1000).rounded()) / 1000)) } ?? .null
        object["counts"] = [
            "total": .number(JSONNumber(counts.total)), "completed": .number(JSONNumber(counts.completed)),
            "succeeded": .number(JSONNumber(counts.succeeded)), "failed": .number(JSONNumber(counts.failed)),
            "not_run": .number(JSONNumber(counts.total - counts.completed)),
        ]
        object["verdict"] = verdict.map { .string($0) } ?? .null
        object["usage"] = usage.json
        object["outputs"] = Self.sortedObject(outputs.mapValues { .string($0) })
        object["dropped_events"] = Self.sortedObject(droppedEvents.mapValues { .number(JSONNumber($0)) })
        if !resumes.isEmpty {
            object["resumes"] = .array(
                resumes.map { resumption in
                    [
                        "at": .string(Timestamp.iso8601(resumption.at)),
                        "repaired_bytes": Self.sortedObject(resumption.repairedBytes.mapValues { .number(JSONNumber($0)) }),
                        "recovered_items": .number(JSONNumber(resumption.recoveredItems)),
                        "drift": .array(resumption.drift.map { .string($0) }),
                    ]
                })
        }
        return .object(object)
    }

    private static func sortedObject(_ values: [String: JSONValue]) -> JSONValue {
        var object = JSONObject()
        for name in values.keys.sorted() { object[name] = values[name]! }
        return .object(object)
    }

    /// Writes the manifest atomically (temporary file, fsync, rename).
    public func write(to url: URL) throws {
        var writer = JSONWriter()
        writer.value(json)
        writer.newline()
        try AtomicFile.write(Data(writer.bytes), to: url)
    }
}
