public import Foundation
import JSONSchema

/// `manifest.json`, version 1: the one definition of the file, both written and read. Reads
/// every manifest Vigil has written (members it does not need may be absent or null).
extension RunManifest: Codable {
    private enum Keys: String, CodingKey {
        case manifestVersion = "manifest_version"
        case runID = "run_id"
        case status, tool, host
        case rerunOf = "rerun_of"
        case retryOf = "retry_of"
        case drift
        case job, spec, prompt
        case successSchema = "success_schema"
        case model, inputs
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case duration = "duration_seconds"
        case counts, verdict, usage, cost, cache, outputs, coordinator, images, reference
        case droppedEvents = "dropped_events"
        case resumes
        // Members of the nested objects.
        case name, version, os, manifest, path, sha256, copy, git, commit, dirty, count, list, canary
        case canaryOf = "canary_of"
        case total, completed, succeeded, failed
        case notRun = "not_run"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case cachedTokens = "cached_tokens"
        case shard, shards, index, share
        case wholeSHA256 = "whole_sha256"
        case at
        case repairedBytes = "repaired_bytes"
        case recoveredItems = "recovered_items"
        case budget
    }

    public func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Keys.self)
        try root.encode(1, forKey: .manifestVersion)
        try root.encode(runID, forKey: .runID)
        try root.encode(status, forKey: .status)
        var tool = root.nestedContainer(keyedBy: Keys.self, forKey: .tool)
        try tool.encode("vigil", forKey: .name)
        try tool.encode(toolVersion, forKey: .version)
        var host = root.nestedContainer(keyedBy: Keys.self, forKey: .host)
        try host.encode(self.host, forKey: .name)
        try host.encode(operatingSystem, forKey: .os)
        if let origin {
            var link = root.nestedContainer(keyedBy: Keys.self, forKey: origin.kind == .rerun ? .rerunOf : .retryOf)
            try link.encode(origin.runID, forKey: .runID)
            try link.encode(origin.manifest, forKey: .manifest)
        }
        if !drift.isEmpty { try root.encode(drift, forKey: .drift) }
        var job = root.nestedContainer(keyedBy: Keys.self, forKey: .job)
        try job.encode(jobPath, forKey: .path)
        try job.encode(jobSHA256, forKey: .sha256)
        try job.encode("job.yaml", forKey: .copy)
        if let git {
            var state = job.nestedContainer(keyedBy: Keys.self, forKey: .git)
            try state.encode(git.commit, forKey: .commit)
            try state.encode(git.dirty, forKey: .dirty)
        } else {
            try job.encodeNil(forKey: .git)
        }
        try root.encode(spec, forKey: .spec)
        try Self.encode(PinnedFile(path: promptPath, sha256: promptSHA256), in: &root, at: .prompt)
        if let successSchema {
            try Self.encode(successSchema, in: &root, at: .successSchema)
        } else {
            try root.encodeNil(forKey: .successSchema)
        }
        try root.encode(model, forKey: .model)
        var inputs = root.nestedContainer(keyedBy: Keys.self, forKey: .inputs)
        try inputs.encode(inputCount, forKey: .count)
        try inputs.encode(inputsSHA256, forKey: .sha256)
        try inputs.encode("inputs.jsonl", forKey: .list)
        try inputs.encode(canary, forKey: .canary)
        if let canaryOf { try inputs.encode(canaryOf, forKey: .canaryOf) }
        if let wholeInputsSHA256 { try inputs.encode(wholeInputsSHA256, forKey: .wholeSHA256) }
        if !shards.isEmpty { try root.encode(shards, forKey: .shards) }
        if let shard {
            var part = root.nestedContainer(keyedBy: Keys.self, forKey: .shard)
            try part.encode(shard.index, forKey: .index)
            try part.encode(shard.count, forKey: .count)
            if let shardShare { try part.encode(shardShare.json, forKey: .share) }
        }
        try root.encode(Timestamp.iso8601(startedAt), forKey: .startedAt)
        try root.encode(endedAt.map(Timestamp.iso8601), forKey: .endedAt)
        try root.encode(endedAt.map { ((($0 - startedAt) * 1000).rounded()) / 1000 }, forKey: .duration)
        var counts = root.nestedContainer(keyedBy: Keys.self, forKey: .counts)
        try counts.encode(self.counts.total, forKey: .total)
        try counts.encode(self.counts.completed, forKey: .completed)
        try counts.encode(self.counts.succeeded, forKey: .succeeded)
        try counts.encode(self.counts.failed, forKey: .failed)
        try counts.encode(self.counts.total - self.counts.completed, forKey: .notRun)
        try root.encode(verdict, forKey: .verdict)
        var usage = root.nestedContainer(keyedBy: Keys.self, forKey: .usage)
        try usage.encode(self.usage.promptTokens, forKey: .promptTokens)
        try usage.encode(self.usage.completionTokens, forKey: .completionTokens)
        if self.usage.cachedPromptTokens > 0 { try usage.encode(self.usage.cachedPromptTokens, forKey: .cachedTokens) }
        if let cost { try root.encode(cost.json, forKey: .cost) }
        if let cache { try root.encode(cache, forKey: .cache) }
        if let coordinator { try root.encode(coordinator, forKey: .coordinator) }
        if let images { try root.encode(images, forKey: .images) }
        if let reference { try root.encode(reference, forKey: .reference) }
        try root.encode(outputs, forKey: .outputs)
        try root.encode(droppedEvents, forKey: .droppedEvents)
        if !resumes.isEmpty {
            var list = root.nestedUnkeyedContainer(forKey: .resumes)
            for resumption in resumes {
                var entry = list.nestedContainer(keyedBy: Keys.self)
                try entry.encode(Timestamp.iso8601(resumption.at), forKey: .at)
                try entry.encode(resumption.repairedBytes, forKey: .repairedBytes)
                try entry.encode(resumption.recoveredItems, forKey: .recoveredItems)
                try entry.encode(resumption.drift, forKey: .drift)
                if let budget = resumption.budget {
                    try entry.encode(RunCostRecord.json(budget, exhausted: nil), forKey: .budget)
                }
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let root = try decoder.container(keyedBy: Keys.self)
        let version = try root.decode(Int.self, forKey: .manifestVersion)
        guard version == 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .manifestVersion, in: root,
                debugDescription: "is \(version); this Vigil (\(VigilVersion.current)) reads version 1 manifests")
        }
        let job = try root.nestedContainer(keyedBy: Keys.self, forKey: .job)
        let prompt = try root.nestedContainer(keyedBy: Keys.self, forKey: .prompt)
        let inputs = try root.nestedContainer(keyedBy: Keys.self, forKey: .inputs)
        let counts = try? root.nestedContainer(keyedBy: Keys.self, forKey: .counts)
        let git = try? job.nestedContainer(keyedBy: Keys.self, forKey: .git)
        let schema = try? root.nestedContainer(keyedBy: Keys.self, forKey: .successSchema)
        self.init(
            runID: try root.decode(String.self, forKey: .runID),
            status: try root.decode(RunStatus.self, forKey: .status),
            jobPath: try job.decode(String.self, forKey: .path),
            jobSHA256: try job.decode(String.self, forKey: .sha256),
            git: try git.map {
                GitState(
                    commit: try $0.decode(String.self, forKey: .commit),
                    dirty: try $0.decodeIfPresent(Bool.self, forKey: .dirty) ?? false)
            },
            spec: try root.decodeIfPresent(JSONValue.self, forKey: .spec) ?? .null,
            promptPath: try prompt.decode(String.self, forKey: .path),
            promptSHA256: try prompt.decode(String.self, forKey: .sha256),
            successSchema: try schema.map {
                PinnedFile(
                    path: try $0.decode(String.self, forKey: .path), sha256: try $0.decode(String.self, forKey: .sha256)
                )
            },
            model: try root.decodeIfPresent(JSONValue.self, forKey: .model) ?? .null,
            inputCount: try inputs.decodeIfPresent(Int.self, forKey: .count) ?? 0,
            inputsSHA256: try inputs.decode(String.self, forKey: .sha256),
            canary: try inputs.decodeIfPresent(Int.self, forKey: .canary),
            startedAt: try Self.time(root, .startedAt) ?? 0, endedAt: try Self.time(root, .endedAt),
            counts: RunCounts(
                total: try counts?.decodeIfPresent(Int.self, forKey: .total) ?? 0,
                succeeded: try counts?.decodeIfPresent(Int.self, forKey: .succeeded) ?? 0,
                failed: try counts?.decodeIfPresent(Int.self, forKey: .failed) ?? 0),
            verdict: try root.decodeIfPresent(String.self, forKey: .verdict))
        if let usage = try? root.nestedContainer(keyedBy: Keys.self, forKey: .usage) {
            self.usage = TokenUsage(
                promptTokens: try usage.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0,
                completionTokens: try usage.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0,
                cachedPromptTokens: try usage.decodeIfPresent(Int.self, forKey: .cachedTokens) ?? 0)
        }
        cost = RunCostRecord(json: try root.decodeIfPresent(JSONValue.self, forKey: .cost))
        cache = try root.decodeIfPresent(JSONValue.self, forKey: .cache)
        coordinator = try root.decodeIfPresent(JSONValue.self, forKey: .coordinator)
        images = try root.decodeIfPresent(JSONValue.self, forKey: .images)
        reference = try root.decodeIfPresent(JSONValue.self, forKey: .reference)
        canaryOf = try inputs.decodeIfPresent(Int.self, forKey: .canaryOf)
        wholeInputsSHA256 = try inputs.decodeIfPresent(String.self, forKey: .wholeSHA256)
        shards = try root.decodeIfPresent([JSONValue].self, forKey: .shards) ?? []
        if let part = try? root.nestedContainer(keyedBy: Keys.self, forKey: .shard) {
            shard = Shard(
                index: try part.decode(Int.self, forKey: .index), count: try part.decode(Int.self, forKey: .count))
            shardShare = ShardShare(json: try part.decodeIfPresent(JSONValue.self, forKey: .share))
        }
        let tool = try root.nestedContainer(keyedBy: Keys.self, forKey: .tool)
        toolVersion = try tool.decode(String.self, forKey: .version)
        let host = try? root.nestedContainer(keyedBy: Keys.self, forKey: .host)
        self.host = try host?.decodeIfPresent(String.self, forKey: .name) ?? ""
        operatingSystem = try host?.decodeIfPresent(String.self, forKey: .os) ?? ""
        outputs = try root.decodeIfPresent([String: String].self, forKey: .outputs) ?? [:]
        droppedEvents = try root.decodeIfPresent([String: Int].self, forKey: .droppedEvents) ?? [:]
        for (key, kind) in [(Keys.rerunOf, Origin.Kind.rerun), (.retryOf, .retryFailed)] {
            guard let link = try? root.nestedContainer(keyedBy: Keys.self, forKey: key) else { continue }
            origin = Origin(
                kind: kind, runID: try link.decode(String.self, forKey: .runID),
                manifest: try link.decode(String.self, forKey: .manifest))
        }
        drift = try root.decodeIfPresent([String].self, forKey: .drift) ?? []
        if var list = try? root.nestedUnkeyedContainer(forKey: .resumes) {
            while !list.isAtEnd {
                let entry = try list.nestedContainer(keyedBy: Keys.self)
                resumes.append(
                    Resumption(
                        at: try Self.time(entry, .at) ?? 0,
                        repairedBytes: try entry.decodeIfPresent([String: Int].self, forKey: .repairedBytes) ?? [:],
                        recoveredItems: try entry.decodeIfPresent(Int.self, forKey: .recoveredItems) ?? 0,
                        drift: try entry.decodeIfPresent([String].self, forKey: .drift) ?? [],
                        budget: BudgetSpec(json: try entry.decodeIfPresent(JSONValue.self, forKey: .budget))))
            }
        }
    }

    private static func encode(_ pin: PinnedFile, in container: inout KeyedEncodingContainer<Keys>, at key: Keys) throws
    {
        var nested = container.nestedContainer(keyedBy: Keys.self, forKey: key)
        try nested.encode(pin.path, forKey: .path)
        try nested.encode(pin.sha256, forKey: .sha256)
    }

    /// An ISO 8601 time at `key` (nil: absent or null).
    private static func time(_ container: KeyedDecodingContainer<Keys>, _ key: Keys) throws -> Double? {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let time = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "is not a timestamp (\(text))")
        }
        return time
    }

    /// Writes the manifest atomically (temporary file, fsync, rename): keys sorted, so
    /// two manifests compare line by line.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        try AtomicFile.write(data, to: url)
    }

    /// Reads a `manifest.json` written by Vigil.
    public init(contentsOf url: URL) throws(ManifestProblem) {
        guard let data = try? Data(contentsOf: url) else {
            throw ManifestProblem(url: url, problem: "cannot be read (is this a run folder, or its manifest.json?)")
        }
        do {
            self = try JSONDecoder().decode(RunManifest.self, from: data)
        } catch let error as DecodingError {
            throw ManifestProblem(
                url: url,
                problem: Self.sentence(error) + "; a manifest is written atomically, so this file was changed by hand")
        } catch {
            throw ManifestProblem(
                url: url,
                problem: "not JSON (\(error)); a manifest is written atomically, so this file was changed by hand")
        }
    }

    /// `missing job.path`, `manifest_version is 2; ...`.
    private static func sentence(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            (keys + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(
                separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(path(context.codingPath, key))"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) is not a \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "\(path(context.codingPath)) \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
