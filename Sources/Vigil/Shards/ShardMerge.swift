public import Foundation
import JSONSchema

/// `vigil merge RUN_DIR`: the shards of a sharded run (`RUN_DIR/shard-I-of-N/`) joined
/// into one run folder's files in `RUN_DIR` — results, failures, events (ordered by time,
/// each keeping its shard and its sequence number) and a manifest whose counts are the
/// shards' sums — once it has checked that every shard is there and ended, that their pins
/// agree, and that every item of the input set ended exactly once in exactly one shard.
public enum ShardMerge {
    /// Why the shards cannot be merged, with what to do.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        /// What is wrong, one line per problem.
        public var problems: [String]
        /// Every problem, one a line: a merge says all that stops it at once.
        public var description: String { problems.joined(separator: "\n") }
    }

    /// What a merge wrote: the merged manifest and the shards it took.
    public struct Merged: Sendable {
        /// The merged manifest: counts summed, the worst shard's status and verdict.
        public var manifest: RunManifest
        /// The shards, in order.
        public var shards: [RecordedRun]
    }

    /// The shard folders of `run` (`shard-I-of-N`), in shard order.
    public static func shardFolders(of run: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
        return names.filter { $0.hasPrefix("shard-") && $0.contains("-of-") }.sorted { index($0) < index($1) }.map {
            run.appendingPathComponent($0)
        }
    }

    private static func index(_ name: String) -> Int {
        Int(name.dropFirst(6).split(separator: "-").first ?? "") ?? Int.max
    }

    /// Merges the shards of `run` into `run`'s own files.
    public static func merge(_ run: URL) throws(Refusal) -> Merged {
        let folders = shardFolders(of: run)
        guard !folders.isEmpty else {
            throw Refusal(problems: [
                "\(run.path) has no shard folders (shard-I-of-N); give the folder of a sharded run (runs/<name>/<run-id>)"
            ])
        }
        var shards: [RecordedRun] = []
        var problems: [String] = []
        for folder in folders {
            do {
                shards.append(try RecordedRun(at: folder.path))
            } catch {
                problems.append("\(folder.lastPathComponent): \(error)")
            }
        }
        guard problems.isEmpty else { throw Refusal(problems: problems) }
        let count = shards[0].manifest.shard?.count ?? 0
        let present = Set(shards.compactMap { $0.manifest.shard?.index })
        let missing = (0..<count).filter { !present.contains($0) }
        if !missing.isEmpty {
            problems.append(
                "shards missing: " + missing.map { "\($0)/\(count)" }.joined(separator: ", ")
                    + " (run them with vigil run JOB --shard I/\(count) --run-id \(shards[0].manifest.runID))")
        }
        for shard in shards {
            let name = shard.folder.url.lastPathComponent
            if shard.manifest.shard?.count != count {
                problems.append("\(name): it is a shard of \(shard.manifest.shard?.count ?? 0), the others of \(count)")
            }
            if let holder = RunLock.holder(of: shard.folder.url) {
                problems.append("\(name) is still running (process \(holder)); wait for it to end")
            } else if shard.manifest.status == .running || shard.manifest.status == .interrupted {
                problems.append(
                    "\(name) did not end (\(shard.manifest.status.rawValue)): continue it with vigil resume \(shard.folder.url.path)"
                )
            }
        }
        problems += pinDifferences(shards)
        guard problems.isEmpty else { throw Refusal(problems: problems) }
        let totals: RunCounts
        do {
            totals = try checkEveryItemOnce(shards)
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw Refusal(problems: ["cannot read the shards' files: \(error)"])
        }
        do {
            return Merged(manifest: try write(shards, into: run, counts: totals), shards: shards)
        } catch {
            throw Refusal(problems: ["cannot write the merged files into \(run.path): \(error)"])
        }
    }

    /// What the shards pinned differently (each must have run the same job on the same set).
    static func pinDifferences(_ shards: [RecordedRun]) -> [String] {
        let first = shards[0].manifest
        var problems: [String] = []
        for shard in shards.dropFirst() {
            let manifest = shard.manifest
            let name = shard.folder.url.lastPathComponent
            let pairs: [(String, String, String)] = [
                ("job sha256", first.jobSHA256, manifest.jobSHA256),
                ("prompt sha256", first.promptSHA256, manifest.promptSHA256),
                ("success schema sha256", first.successSchema?.sha256 ?? "-", manifest.successSchema?.sha256 ?? "-"),
                ("model", first.model.jsonText(), manifest.model.jsonText()),
                ("input set sha256", first.wholeInputsSHA256 ?? "-", manifest.wholeInputsSHA256 ?? "-"),
                ("Vigil version", first.toolVersion, manifest.toolVersion),
            ]
            for (what, expected, found) in pairs where expected != found {
                problems.append(
                    "\(name): \(what) \(found), but \(shards[0].folder.url.lastPathComponent) has \(expected): the shards did not run the same job on the same inputs"
                )
            }
        }
        return problems
    }

    /// Every item each shard listed ended exactly once, in its own shard; returns the counts.
    static func checkEveryItemOnce(_ shards: [RecordedRun]) throws -> RunCounts {
        var problems: [String] = []
        var seen: [String: String] = [:]
        var counts = RunCounts(total: 0, succeeded: 0, failed: 0)
        for shard in shards {
            let name = shard.folder.url.lastPathComponent
            var listed: [String] = []
            var reader = InputsList.Reader(shard.folder.inputs)
            while let entry = try reader.next() { listed.append(entry.id) }
            var ended: [String: Int] = [:]
            for (url, isSuccess) in [(shard.folder.results, true), (shard.folder.failed, false)] {
                try AppendedLines.read(url, repair: false) { line, _ in
                    guard let id = line["id"]?.stringValue else { return }
                    ended[id, default: 0] += 1
                    if isSuccess { counts.succeeded += 1 } else { counts.failed += 1 }
                }
            }
            counts.total += listed.count
            var notEnded: [String] = []
            for id in listed {
                if let other = seen[id] { problems.append("item \(id) is in \(other) and in \(name)") }
                seen[id] = name
                if let shardIndex = shard.manifest.shard, !shardIndex.contains(id) {
                    problems.append("item \(id) is in \(name) but hashes to another shard")
                }
                switch ended[id] ?? 0 {
                case 0: notEnded.append(id)
                case 1: break
                default: problems.append("item \(id) ended \(ended[id]!) times in \(name)")
                }
            }
            // An aborted shard left the rest of its items unsent, as an aborted run does.
            if !notEnded.isEmpty && shard.manifest.status != .aborted {
                problems.append(
                    "\(notEnded.count) items of \(name) did not end (" + notEnded.prefix(5).joined(separator: ", ")
                        + (notEnded.count > 5 ? ", ..." : "")
                        + "): continue it with vigil resume \(shard.folder.url.path)")
            }
            let extra = Set(ended.keys).subtracting(listed)
            if !extra.isEmpty {
                problems.append(
                    "\(name) has results for \(extra.count) items it did not list (e.g. \(extra.sorted().first!))")
            }
        }
        guard problems.isEmpty else { throw Refusal(problems: problems) }
        return counts
    }

    /// Writes results, failures, events and the manifest of the merged run into `run`.
    static func write(_ shards: [RecordedRun], into run: URL, counts: RunCounts) throws -> RunManifest {
        let folder = RunFolder(url: run, runID: shards[0].manifest.runID)
        for (target, source) in [(folder.results, \RunFolder.results), (folder.failed, \RunFolder.failed)] {
            var bytes = Data()
            for shard in shards { bytes.append((try? Data(contentsOf: shard.folder[keyPath: source])) ?? Data()) }
            try AtomicFile.write(bytes, to: target)
        }
        // Every event, ordered by time, each with its shard (its `seq` is its shard's).
        var events: [(time: Double, shard: Int, sequence: Int, line: String)] = []
        for (index, shard) in shards.enumerated() {
            let label = shard.manifest.shard?.description ?? "\(index)"
            try AppendedLines.read(shard.folder.events, repair: false) { line, _ in
                guard var object = line.objectValue else { return }
                object["shard"] = .string(label)
                let time = line["ts"]?.stringValue.flatMap(Timestamp.parse) ?? 0
                events.append(
                    (time, index, Int(line["seq"]?.numberValue?.int64Value ?? 0), JSONValue.object(object).jsonText()))
            }
        }
        events.sort { ($0.time, $0.shard, $0.sequence) < ($1.time, $1.shard, $1.sequence) }
        try AtomicFile.write(Data(events.map { $0.line + "\n" }.joined().utf8), to: folder.events)
        for copy in [shards[0].folder.jobCopy, shards[0].promptCopy] {
            let target = run.appendingPathComponent(copy.lastPathComponent)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: copy, to: target)
        }
        var manifest = shards[0].manifest
        let manifests = shards.map(\.manifest)
        manifest.shard = nil
        manifest.counts = counts
        manifest.inputCount = counts.total
        manifest.inputsSHA256 = manifest.wholeInputsSHA256 ?? manifest.inputsSHA256
        manifest.startedAt = manifests.map(\.startedAt).min() ?? manifest.startedAt
        manifest.endedAt = manifests.compactMap(\.endedAt).max()
        manifest.usage = manifests.reduce(TokenUsage()) { total, next in
            var sum = total
            sum.add(next.usage)
            return sum
        }
        // The run ended as its worst shard did; an aborted shard's verdict names it.
        let worst = manifests.map(\.status).reduce(RunStatus.completed) { $0.worse($1) }
        manifest.status = worst
        manifest.verdict = zip(shards, manifests).first { $0.1.status == worst && $0.1.verdict != nil }.map {
            "shard \($0.1.shard?.description ?? "?"): \($0.1.verdict!)"
        }
        manifest.cost = mergedCost(manifests)
        manifest.outputs = [:]
        for file in [folder.results, folder.failed, folder.events] {
            manifest.outputs[file.lastPathComponent] = FileDigest.sha256(of: file)
        }
        manifest.shards = zip(shards, manifests).map { shard, part in
            var entry = JSONObject()
            entry["shard"] = .string(part.shard?.description ?? "?")
            entry["folder"] = .string(shard.folder.url.lastPathComponent)
            entry["status"] = .string(part.status.rawValue)
            entry["succeeded"] = .number(JSONNumber(part.counts.succeeded))
            entry["failed"] = .number(JSONNumber(part.counts.failed))
            entry["verdict"] = part.verdict.map { .string($0) } ?? .null
            return .object(entry)
        }
        try manifest.write(to: folder.manifest)
        return manifest
    }

    /// The shards' costs summed, with the run's own budget (what the shards split among them,
    /// each keeping its part): nil when no shard recorded a cost.
    static func mergedCost(_ manifests: [RunManifest]) -> RunCostRecord? {
        let costs = manifests.compactMap(\.cost)
        guard !costs.isEmpty else { return nil }
        var spend = Spend()
        var unconfirmed = SpendLedger.Amount()
        for cost in costs {
            spend.add(cost.spend)
            unconfirmed.cost += cost.unconfirmed.cost
            unconfirmed.tokens += cost.unconfirmed.tokens
        }
        let runBudget =
            manifests.lazy.compactMap { $0.shardShare?.runBudget }.first ?? costs.lazy.compactMap(\.budget).first
        return RunCostRecord(
            spend: spend, unconfirmed: unconfirmed, overruns: costs.reduce(0) { $0 + $1.overruns }, budget: runBudget,
            exhausted: costs.contains { $0.exhausted }, projection: nil)
    }
}
