public import Foundation
import JSONSchema

/// A manifest that cannot be read back: says which file and which field.
public struct ManifestProblem: Error, CustomStringConvertible {
    /// The file.
    public let url: URL
    /// What is wrong or missing.
    public let problem: String
    /// `PATH: problem`.
    public var description: String { "\(url.path): \(problem)" }
}

extension RunManifest {
    /// Reads a `manifest.json` written by Vigil.
    public init(contentsOf url: URL) throws(ManifestProblem) {
        guard let data = try? Data(contentsOf: url) else {
            throw ManifestProblem(url: url, problem: "cannot be read (is this a run folder, or its manifest.json?)")
        }
        let json: JSONValue
        do {
            json = try JSONParser().parse(Array(data))
        } catch {
            throw ManifestProblem(url: url, problem: "not JSON (\(error)); a manifest is written atomically, so this file was changed by hand")
        }
        func string(_ path: String...) throws(ManifestProblem) -> String {
            var value: JSONValue? = json
            for key in path { value = value?[key] }
            guard let text = value?.stringValue else { throw ManifestProblem(url: url, problem: "missing \(path.joined(separator: "."))") }
            return text
        }
        func int(_ value: JSONValue?) -> Int? { value?.numberValue?.int64Value.map { Int(clamping: $0) } }
        guard int(json["manifest_version"]) == 1 else {
            throw ManifestProblem(url: url, problem: "manifest_version is not 1; this Vigil (\(VigilVersion.current)) reads version 1 manifests")
        }
        guard let started = Timestamp.parse(try string("started_at")) else { throw ManifestProblem(url: url, problem: "started_at is not a timestamp") }
        let counts = json["counts"]
        self.init(
            runID: try string("run_id"), status: try string("status"), jobPath: try string("job", "path"), jobSHA256: try string("job", "sha256"),
            git: json["job"]?["git"].flatMap { git in
                git["commit"]?.stringValue.map { GitState(commit: $0, dirty: git["dirty"]?.boolValue ?? false) }
            },
            spec: json["spec"] ?? .null, promptPath: try string("prompt", "path"), promptSHA256: try string("prompt", "sha256"),
            successSchema: json["success_schema"].flatMap { pin in
                guard let path = pin["path"]?.stringValue, let sha = pin["sha256"]?.stringValue else { return nil }
                return PinnedFile(path: path, sha256: sha)
            },
            model: json["model"] ?? .null, inputCount: int(json["inputs"]?["count"]) ?? 0, inputsSHA256: try string("inputs", "sha256"),
            canary: int(json["inputs"]?["canary"]), startedAt: started, endedAt: json["ended_at"]?.stringValue.flatMap(Timestamp.parse),
            counts: RunCounts(total: int(counts?["total"]) ?? 0, succeeded: int(counts?["succeeded"]) ?? 0, failed: int(counts?["failed"]) ?? 0),
            verdict: json["verdict"]?.stringValue)
        usage = TokenUsage(promptTokens: int(json["usage"]?["prompt_tokens"]) ?? 0, completionTokens: int(json["usage"]?["completion_tokens"]) ?? 0)
        toolVersion = try string("tool", "version")
        host = json["host"]?["name"]?.stringValue ?? ""
        operatingSystem = json["host"]?["os"]?.stringValue ?? ""
        for (name, value) in json["outputs"]?.objectValue ?? JSONObject() { if let sha = value.stringValue { outputs[name] = sha } }
        for (name, value) in json["dropped_events"]?.objectValue ?? JSONObject() { if let count = int(value) { droppedEvents[name] = count } }
        for kind in [Origin.Kind.rerun, .retryFailed] {
            if let link = json[kind.rawValue], let id = link["run_id"]?.stringValue, let manifest = link["manifest"]?.stringValue {
                origin = Origin(kind: kind, runID: id, manifest: manifest)
            }
        }
        drift = json["drift"]?.arrayValue?.compactMap(\.stringValue) ?? []
        resumes = (json["resumes"]?.arrayValue ?? []).map { entry in
            var repaired: [String: Int] = [:]
            for (name, value) in entry["repaired_bytes"]?.objectValue ?? JSONObject() { repaired[name] = int(value) ?? 0 }
            let at: Double = entry["at"]?.stringValue.flatMap(Timestamp.parse) ?? 0
            let drift: [String] = entry["drift"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return Resumption(at: at, repairedBytes: repaired, recoveredItems: int(entry["recovered_items"]) ?? 0, drift: drift)
        }
    }
}

extension ManifestProblem: ExitStatusError {
    /// A run folder's manifest or list is not what Vigil wrote: the user's to mend.
    public var exitStatus: ExitStatus { .invalidJobOrUsage }
}
