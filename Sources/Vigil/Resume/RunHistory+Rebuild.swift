import Foundation
import JSONSchema

/// Rebuilding a stopped run's history from its folder (see `RunHistory`).
extension RunHistory {
    /// An item appears twice in the outputs: the folder was not written by one run.
    struct DuplicateItem: RunFolderDamage {
        let id: String
        let file: URL
        var description: String {
            "item \(id) is in \(file.lastPathComponent) more than once; every item ends exactly once in a run folder, so it was changed by hand — remove the extra line and try again"
        }
    }

    /// Repairs the appended files (cutting torn tails), reads them back, and writes the
    /// result line of any item the log says ended but whose line is missing. Call with the
    /// run's lock held.
    /// With `keepsSamples` (a canary), each item's cost and latency is kept for the projection.
    /// `manifest` and `only`: the run's, for the reference items its list holds.
    static func rebuild(
        _ folder: RunFolder, job: JobSpec, manifest: RunManifest, only: Set<String>?, keepsSamples: Bool = false
    ) throws -> RunHistory {
        var history = RunHistory(
            monitor: ThresholdMonitor(spec: job.thresholds),
            reference: try ReferenceJudge.forRun(of: job, manifest: manifest, only: only, list: folder.inputs),
            fill: job.thresholds.fields.map(FieldFillMonitor.init))
        for (url, isSuccess) in [(folder.results, true), (folder.failed, false)] {
            let repair = try AppendedLines.read(url, repair: true) { line, _ in
                guard let id = line["id"]?.stringValue else { return }
                guard history.done.insert(id).inserted else { throw DuplicateItem(id: id, file: url) }
                if isSuccess { history.succeeded += 1 } else { history.failed += 1 }
                history.usage.add(TokenUsage(json: line["usage"]))
                if let spend = Spend(json: line["cost"]) { history.spend.add(spend) }
            }
            if let repair { history.repairedBytes[repair.file] = repair.bytes }
        }
        var pending: [RunEvent.Kind] = []
        var replayed = Set<String>()
        let repair = try AppendedLines.read(folder.events, repair: true) { line, number in
            let event: RunEvent
            do {
                event = try RunEvent(json: line)
            } catch {
                throw AppendedLines.Damaged(url: folder.events, line: number, problem: "not a Vigil event: \(error)")
            }
            history.lastSequence = max(history.lastSequence, event.sequence)
            switch event.kind {
            case .itemCompleted(let report, _), .itemFailed(let report, _):
                guard replayed.insert(report.item).inserted else { return }
                if keepsSamples {
                    history.samples.append(
                        CostSample(
                            cost: report.spend?.charged ?? .zero, tokens: report.usage.total,
                            latency: report.latencyMilliseconds))
                }
                history.replay(event.kind, latency: report.latencyMilliseconds)
                if !history.done.contains(report.item) { pending.append(event.kind) }
            default:
                break
            }
        }
        if let repair { history.repairedBytes[repair.file] = repair.bytes }
        if !pending.isEmpty { try history.recover(pending, folder: folder) }
        return history
    }

    /// Counts one ended item towards the thresholds, the reference verdict and the fill
    /// rates, in the order the run did (`RunRecorder`): the first that aborted is the verdict.
    private mutating func replay(_ kind: RunEvent.Kind, latency: Double) {
        self.latency.record(milliseconds: latency)
        let (item, ended): (String, Result<JSONValue, ItemFailure>)
        switch kind {
        case .itemCompleted(let report, let result): (item, ended) = (report.item, .success(result))
        case .itemFailed(let report, let failure): (item, ended) = (report.item, .failure(failure))
        default: return
        }
        var findings: [(ThresholdMonitor.Finding, message: String?)] = []
        switch ended {
        case .success: findings += monitor.record(success: true).map { ($0, nil) }
        case .failure(let failure) where failure.kind.isQuality:
            findings += monitor.record(success: false).map { ($0, nil) }
        case .failure: break
        }
        if let report = reference?.record(item, ended) {
            findings.append((ThresholdMonitor.Finding(report.check), report.message))
        }
        if case .success(let result) = ended { findings += (fill?.record(result) ?? []).map { ($0, nil) } }
        for (finding, message) in findings {
            if case .failed(let check) = finding, verdict == nil {
                verdict = Verdict(check: check, message: message ?? check.sentence)
            }
        }
    }

    /// Writes the result lines of items that ended just before the stop (their event is in
    /// the log; their line is not). Their paths come from inputs.jsonl.
    private mutating func recover(_ pending: [RunEvent.Kind], folder: RunFolder) throws {
        var paths: [String: String?] = [:]
        let wanted = Set(pending.compactMap(\.itemID))
        var inputs = InputsList.Reader(folder.inputs)
        while paths.count < wanted.count, let entry = try inputs.next() {
            if wanted.contains(entry.id) { paths[entry.id] = entry.path }
        }
        let outputs = try RunOutputs(folder: folder)
        for kind in pending {
            switch kind {
            case .itemCompleted(let report, let result):
                let id = report.item
                try outputs.recordSuccess(
                    InputItem(id: id, path: paths[id] ?? nil, record: nil), sha256: nil, sent: report.sent,
                    result: result,
                    usage: report.usage, spend: report.spend)
                succeeded += 1
                done.insert(id)
                self.usage.add(report.usage)
                if let spend = report.spend { self.spend.add(spend) }
            case .itemFailed(let report, let failure):
                let id = report.item
                try outputs.recordFailure(
                    InputItem(id: id, path: paths[id] ?? nil, record: nil), sha256: nil, sent: report.sent,
                    attempts: report.attempt,
                    failure: failure, usage: report.usage,
                    spend: report.spend)
                failed += 1
                done.insert(id)
                self.usage.add(report.usage)
                if let spend = report.spend { self.spend.add(spend) }
            default:
                continue
            }
            recovered += 1
        }
        try outputs.sync()
    }
}
