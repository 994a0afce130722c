public import Foundation
public import JSONSchema

/// `manifest.json`: what ran, how it ended, and digests of everything it produced, so a
/// run can be checked and reproduced months later. Written atomically at the start
/// (status `running`) and at the end. Never holds a secret: the model's key is named by its
/// variable only.
public struct RunManifest: Sendable {
    public var runID: String
    public var status: String
    public var jobPath: String
    public var jobSHA256: String
    public var git: GitState?
    public var spec: JSONValue
    public var promptPath: String
    public var promptSHA256: String
    public var model: JSONValue
    public var inputCount: Int
    public var inputsSHA256: String
    public var startedAt: Double
    public var endedAt: Double?
    public var counts: RunCounts
    public var verdict: String?
    /// Tokens the model reported, summed over the run.
    public var usage = TokenUsage()
    public var outputs: [String: String] = [:]
    public var droppedEvents: [String: Int] = [:]
    public var host = ProcessInfo.processInfo.hostName
    public var operatingSystem = ProcessInfo.processInfo.operatingSystemVersionString

    public struct GitState: Sendable, Equatable {
        public var commit: String
        public var dirty: Bool
    }

    public var json: JSONValue {
        var object = JSONObject()
        object["manifest_version"] = 1
        object["run_id"] = .string(runID)
        object["status"] = .string(status)
        object["tool"] = ["name": "vigil", "version": .string(VigilVersion.current)]
        object["host"] = ["name": .string(host), "os": .string(operatingSystem)]
        var job = JSONObject()
        job["path"] = .string(jobPath)
        job["sha256"] = .string(jobSHA256)
        job["copy"] = "job.yaml"
        job["git"] = git.map { ["commit": .string($0.commit), "dirty": .bool($0.dirty)] } ?? .null
        object["job"] = .object(job)
        object["spec"] = spec
        object["prompt"] = ["path": .string(promptPath), "sha256": .string(promptSHA256)]
        object["model"] = model
        object["inputs"] = ["count": .number(JSONNumber(inputCount)), "sha256": .string(inputsSHA256), "list": "inputs.jsonl"]
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
        var outputs = JSONObject()
        for name in self.outputs.keys.sorted() { outputs[name] = .string(self.outputs[name]!) }
        object["outputs"] = .object(outputs)
        var dropped = JSONObject()
        for name in droppedEvents.keys.sorted() { dropped[name] = .number(JSONNumber(droppedEvents[name]!)) }
        object["dropped_events"] = .object(dropped)
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
