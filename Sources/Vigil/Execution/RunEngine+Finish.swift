import Foundation
import JSONSchema
import Logging
import Synchronization

extension RunEngine {
    func currentProgress() -> Progress {
        let (counts, inFlight, latency) = snapshot.withLock { ($0.counts, $0.inFlight, $0.latency) }
        let elapsed = max(0.001, Timestamp.now() - started)
        let rate = Double(counts.completed - completedAtStart) / elapsed
        let remaining = counts.total - counts.completed
        let spent = ledger.totals.spent.cost
        return Progress(
            counts: counts, inFlight: inFlight, itemsPerSecond: rate,
            etaSeconds: rate > 0 ? Double(remaining) / rate : nil,
            latencyP50: latency.percentile(0.5), latencyP95: latency.percentile(0.95),
            latencyP99: latency.percentile(0.99),
            spent: job.model.pricing != nil || spent > .zero ? spent : nil,
            maxCost: job.budget?.maxCost,
            fleet: snapshot.withLock { $0.fleet })
    }

    /// When the whole run was last read, and how many items it had judged then.
    struct FleetReading {
        var judged: Int
        var at: ContinuousClock.Instant
    }

    /// A coordinated shard's reading of its whole run, every progress interval, for its
    /// `progress` events (`fleet`) and so `vigil watch`: the rate from two readings apart.
    func watchFleet(_ coordination: RunCoordination) async {
        var last: FleetReading?
        while !Task.isCancelled {
            last = await readFleet(coordination, after: last) ?? last
            try? await Task.sleep(for: options.progressInterval)
        }
    }

    /// One reading of the whole run, kept for the next `progress` event; the rate from the
    /// reading before (nil when the coordinator could not be read).
    @discardableResult
    func readFleet(_ coordination: RunCoordination, after last: FleetReading? = nil) async -> FleetReading? {
        guard var figures = try? await coordination.store.fleet(run: coordination.runID) else { return nil }
        let now = ContinuousClock.now
        if let last, now > last.at {
            figures.itemsPerSecond = Double(figures.judged - last.judged) / (now - last.at).inSeconds
        } else {
            figures.itemsPerSecond = snapshot.withLock { $0.fleet?.itemsPerSecond }
        }
        snapshot.withLock { $0.fleet = figures }
        return FleetReading(judged: figures.judged, at: now)
    }

    /// A `progress` event every `progressInterval` until cancelled.
    func publishProgressPeriodically() async {
        while true {
            do {
                try await Task.sleep(for: options.progressInterval)
            } catch {
                return
            }
            bus.publish(.progress(currentProgress()))
            try? bus.flush()
        }
    }

    /// Decides how the run ended and publishes it: aborted (with the verdict), failed (no
    /// item succeeded), interrupted, or completed.
    func finish(_ progress: inout RunProgress) {
        progress.endedAt = Timestamp.now()
        if progress.budgetExhausted, case .aborted(var verdict)? = progress.ending {
            // Said now that those in flight have ended: what was spent in the end.
            verdict.message = budgetVerdict(notSent: progress.counts.total - progress.counts.completed)
            progress.ending = .aborted(verdict)
        }
        progress.finalProgress = currentProgress()
        bus.publish(.progress(progress.finalProgress!))
        // The run's last event is how it ended; the final checkpoint comes before it.
        recorder.saveCheckpoint(progress)
        // Nothing decided the ending: every item was tried; with no success that is a failure.
        if progress.ending == nil && progress.counts.succeeded == 0 {
            progress.end(
                .failed(
                    progress.counts.completed == 0
                        ? "no item was processed" : "no item succeeded (\(progress.counts.failed) failed)"))
        }
        switch progress.ending {
        case .aborted(let verdict)?: bus.publish(.runAborted(verdict, progress.counts))
        case .failed(let message)?: bus.publish(.runFailed(message: message, progress.counts))
        case .interrupted(let reason)?: bus.publish(.runInterrupted(reason: reason, progress.counts))
        case nil: bus.publish(.runCompleted(progress.counts))
        }
    }

    /// Forces results, failures and the event log to the disk, once, before the final
    /// manifest says how the run ended.
    func syncRunFolder(_ progress: inout RunProgress) {
        recorder.persist(&progress) {
            try recorder.outputs.sync()
            try bus.sync()
        }
    }

    func writeFinalManifest(
        _ progress: RunProgress, fleet: JSONValue? = nil, dropped: [String: Int], undelivered: [String: Int]
    ) -> RunSummary {
        var manifest = manifestBase
        manifest.coordinator = fleet
        let status = progress.ending?.status ?? .completed
        manifest.status = status
        let ended = progress.endedAt ?? Timestamp.now()
        manifest.endedAt = ended
        manifest.counts = progress.counts
        manifest.usage = progress.usage
        manifest.cache = cache?.json
        let totals = ledger.totals
        // The ledger counts every answer, also those of items stopped before they were
        // recorded; what the recorded items cost is its floor.
        var spend = progress.spend
        spend.charged = max(spend.charged, totals.spent.cost)
        let projection = projection(progress)
        manifest.cost = RunCostRecord(
            spend: spend, unconfirmed: totals.unconfirmed, overruns: totals.overruns,
            budget: manifestBase.shardShare?.budget ?? job.budget,
            exhausted: progress.budgetExhausted,
            projection: projection?.json)
        manifest.verdict = progress.ending?.message
        if let judge = progress.reference {
            manifest.reference = Self.referenceRecord(judge, pinned: manifest.reference)
        }
        manifest.droppedEvents = dropped
        for url in [folder.results, folder.failed, folder.events, folder.inputs, folder.checkpoint] {
            manifest.outputs[url.lastPathComponent] = FileDigest.sha256(of: url)
        }
        do {
            try manifest.write(to: folder.manifest)
        } catch {
            options.logger.critical("cannot write the manifest: \(error)")
        }
        return RunSummary(
            status: status, counts: progress.counts, verdict: progress.verdict,
            interruption: progress.ending.flatMap { if case .interrupted(let reason) = $0 { reason } else { nil } },
            folder: folder,
            droppedEvents: dropped, undeliveredEvents: undelivered,
            progress: progress.finalProgress ?? currentProgress(), duration: ended - started, spend: totals,
            cost: manifest.cost, projection: projection,
            isCanary: manifest.canary != nil,
            batchesRunning: job.model.batch == nil
                ? 0 : ((try? BatchJournal(url: folder.batches))?.open.filter { $0.batch != nil }.count ?? 0))
    }

    /// The manifest's `reference`: the file and its pin, the reference items of this run's list,
    /// and once judged the agreement over all compared values and per field.
    static func referenceRecord(_ judge: ReferenceJudge, pinned: JSONValue?) -> JSONValue {
        var record = pinned?.objectValue ?? JSONObject()
        record["items"] = .number(JSONNumber(judge.items))
        guard let report = judge.report else {
            record["judged"] = .number(JSONNumber(judge.table.items))
            record["agreement"] = .null
            return .object(record)
        }
        record["judged"] = .number(JSONNumber(report.judged))
        record["skipped"] = .number(JSONNumber(report.skipped))
        record["agreement"] = report.table.agreement.map { .number(JSONNumber($0)) } ?? .null
        record["min_agreement"] = .number(JSONNumber(report.minimumAgreement))
        record["passed"] = .bool(report.passed)
        var fields = JSONObject()
        for figures in report.table.fields {
            fields[figures.name] = figures.agreement.map { .number(JSONNumber($0)) } ?? .null
        }
        record["fields"] = .object(fields)
        return .object(record)
    }
}
